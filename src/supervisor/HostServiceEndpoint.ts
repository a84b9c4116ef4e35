/**
 * The extension's end of one host-process service (files, voice, …), reached through the supervisor's
 * service envelope. Events come from another process, so each is validated before anyone sees it.
 */
import type { z } from 'zod';
import { IDisposable, Emitter, Event } from '../common/lifecycle';
import { Logger } from '../common/logger';
import { MessageUnion, parseMessage } from '../protocol/validate';

/** The part of HostSupervisor a service endpoint needs. */
export interface ServiceHost {
  sendService(service: string, message: unknown): void;
  readonly onService: Event<{ service: string; message: unknown }>;
}

export class HostServiceEndpoint<Command, EventSchema extends MessageUnion> implements IDisposable {
  private readonly _onEvent = new Emitter<z.output<EventSchema>>();
  readonly onEvent: Event<z.output<EventSchema>> = this._onEvent.event;
  private readonly subscription: IDisposable;

  constructor(
    private readonly host: ServiceHost,
    private readonly service: string,
    events: EventSchema,
    log: Logger,
  ) {
    this.subscription = host.onService(({ service: from, message }) => {
      if (from !== service) return;
      try {
        this._onEvent.fire(parseMessage(events, message));
      } catch (err) {
        log.warn(`${service}: dropped an invalid event from the host process: ${(err as Error).message}`);
      }
    });
  }

  send(command: Command): void {
    this.host.sendService(this.service, command);
  }

  dispose(): void {
    this.subscription.dispose();
    this._onEvent.dispose();
  }
}
