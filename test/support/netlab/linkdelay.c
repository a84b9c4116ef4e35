/*
 * linkdelay: holds every packet of an NFQUEUE queue for a fixed time, then accepts it — the delay half of
 * netem, for kernels built without sch_netem (this project's machines). Rate and loss stay in the kernel
 * (htb, iptables statistic). Usage: linkdelay QUEUE DELAY_MS. Prints "ready" once bound.
 */
#include <errno.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define CAPACITY 65536

static uint32_t ids[CAPACITY];
static int64_t due[CAPACITY];
static unsigned head, count;
static int64_t delay_us;

static int64_t now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
  (void)msg;
  (void)data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (!ph) return 0;
  uint32_t id = ntohl(ph->packet_id);
  if (count == CAPACITY) return nfq_set_verdict(qh, id, NF_DROP, 0, NULL); /* a full queue drops, like a router's */
  unsigned tail = (head + count) % CAPACITY;
  ids[tail] = id;
  due[tail] = now_us() + delay_us;
  count++;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: linkdelay QUEUE DELAY_MS\n");
    return 2;
  }
  int queue = atoi(argv[1]);
  delay_us = (int64_t)atoi(argv[2]) * 1000;
  struct nfq_handle *h = nfq_open();
  if (!h) {
    perror("nfq_open");
    return 1;
  }
  struct nfq_q_handle *qh = nfq_create_queue(h, queue, &on_packet, NULL);
  if (!qh) {
    perror("nfq_create_queue");
    return 1;
  }
  if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0 || nfq_set_queue_maxlen(qh, CAPACITY) < 0) {
    perror("nfq_set_mode");
    return 1;
  }
  int fd = nfq_fd(h);
  int size = 8 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  printf("ready\n");
  fflush(stdout);
  char buf[65536];
  for (;;) {
    int timeout = -1;
    if (count > 0) {
      int64_t wait = due[head] - now_us();
      timeout = wait <= 0 ? 0 : (int)((wait + 999) / 1000);
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int ready = poll(&p, 1, timeout);
    if (ready < 0 && errno != EINTR) {
      perror("poll");
      return 1;
    }
    if (ready > 0) {
      for (;;) {
        int n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) break;
        nfq_handle_packet(h, buf, n);
      }
    }
    int64_t t = now_us();
    while (count > 0 && due[head] <= t) {
      nfq_set_verdict(qh, ids[head], NF_ACCEPT, 0, NULL);
      head = (head + 1) % CAPACITY;
      count--;
    }
  }
}
