/**
 * The sharer's history hears when the helper points at or draws on their screen ("Bob pointed at the
 * screen."); the host draws the marks, clears them on pause or panic and removes them at the end.
 */
import { ANNOTATE_SERVICE, AnnotationServiceEvent } from '../protocol/peer';
import type { HostSupervisor } from '../supervisor/HostSupervisor';
import type { IDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';

export const AnnotationTexts = {
  pointed: (helper: string) => `${helper} pointed at the screen.`,
  drawing: (helper: string) => `${helper} is drawing on your screen.`,
} as const;

export function noteAnnotations(host: HostSupervisor, helper: string, note: (line: string) => void, log: Logger): IDisposable {
  return host.onService(({ service, message }) => {
    if (service !== ANNOTATE_SERVICE) return;
    const parsed = AnnotationServiceEvent.safeParse(message);
    if (parsed.success) note(AnnotationTexts[parsed.data.type](helper));
    else log.warn('annotations: the host sent an invalid event; dropped');
  });
}
