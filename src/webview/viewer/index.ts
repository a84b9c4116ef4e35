/** The browser side of a session, for the panel to embed. */
export { RemoteViewer } from './RemoteViewer';
export type { ControlReason, RemoteViewerOptions, ViewerScale, ViewerStats } from './RemoteViewer';
export type { RegionMode } from './RegionReceiver';
export type { AnnotationMode } from './AnnotationLayer';
