/** The services of a sharing session, one line each; add yours here. */
import { VoiceService } from '../audio/VoiceService';
import { ClipboardService } from '../clipboard/ClipboardService';
import { AnnotationService } from '../annotations/AnnotationService';
import { FilesService } from '../files/FilesService';
import { ChatService } from './ChatService';
import { ControlService } from './ControlService';
import { CursorService } from './CursorService';
import { HostServiceFactory } from './HostService';

export const hostServices: readonly HostServiceFactory[] = [
  (ctx) => new ControlService(ctx),
  (ctx) => new CursorService(ctx),
  (ctx) => new ChatService(ctx),
  (ctx) => new VoiceService(ctx),
  (ctx) => new FilesService(ctx),
  (ctx) => new ClipboardService(ctx),
  (ctx) => new AnnotationService(ctx),
];
