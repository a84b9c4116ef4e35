#!/usr/bin/python3
"""A Wayland client for the tests (GTK 3 on its Wayland backend): a full-screen window painted in four known
colours, one per quadrant, that prints each pointer and key event it receives as a JSON line on stdout. With
`WIDTH HEIGHT` as arguments: a window of that size instead, which SIGUSR1 makes half as wide again."""
import json
import sys

import gi

gi.require_version('Gtk', '3.0')
gi.require_version('Gdk', '3.0')
import signal  # noqa: E402

from gi.repository import Gdk, GLib, Gtk  # noqa: E402

QUADRANTS = [(0.86, 0.16, 0.16), (0.16, 0.78, 0.16), (0.16, 0.16, 0.86), (0.90, 0.90, 0.16)]


def say(**event):
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()


def draw(widget, cr):
    w, h = widget.get_allocated_width(), widget.get_allocated_height()
    for i, (r, g, b) in enumerate(QUADRANTS):
        cr.set_source_rgb(r, g, b)
        cr.rectangle((i % 2) * w / 2, (i // 2) * h / 2, w / 2, h / 2)
        cr.fill()
    return False


window = Gtk.Window(title='remote-assist-paint')
area = Gtk.DrawingArea()
area.connect('draw', draw)
window.add(area)
window.add_events(Gdk.EventMask.POINTER_MOTION_MASK | Gdk.EventMask.BUTTON_PRESS_MASK | Gdk.EventMask.BUTTON_RELEASE_MASK
                  | Gdk.EventMask.SCROLL_MASK | Gdk.EventMask.SMOOTH_SCROLL_MASK | Gdk.EventMask.KEY_PRESS_MASK)
window.connect('motion-notify-event', lambda w, e: say(motion=[round(e.x), round(e.y)]))
window.connect('button-press-event', lambda w, e: say(button=e.button, down=True, at=[round(e.x), round(e.y)]))
window.connect('button-release-event', lambda w, e: say(button=e.button, down=False, at=[round(e.x), round(e.y)]))
window.connect('scroll-event', lambda w, e: say(scroll=[e.delta_x, e.delta_y] if e.direction == Gdk.ScrollDirection.SMOOTH else str(e.direction.value_nick)))
window.connect('key-press-event', lambda w, e: say(key=Gdk.keyval_name(e.keyval)))
window.connect('map-event', lambda w, e: say(mapped=True))
window.connect('destroy', Gtk.main_quit)
if len(sys.argv) == 3:
    width, height = int(sys.argv[1]), int(sys.argv[2])
    window.set_default_size(width, height)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR1, lambda: window.resize(width * 3 // 2, height) or True)
    window.connect('configure-event', lambda w, e: say(size=[e.width, e.height]))
else:
    window.fullscreen()
window.show_all()
Gtk.main()
