/** What the audit worker answers. Types only: the page imports no engine code but the summary's and the map view's. */
import type { StripOptions } from '../../engine/index';
import type { PhotoAudit } from '../../engine/tools/audit/types';
import type { FileProblem } from '../../app/batch/batch-queue.svelte';

export type { AuditReport, PhotoAudit, Place, RiskLevel } from '../../engine/tools/audit/types';
export type { WorldOutlines } from '../../engine/tools/audit/data';
export type { FileProblem, StripOptions };

/** One file to read: its handle and its path in the folder. */
export interface AuditInput {
  file: File;
  path: string;
}

/** How the worker audits: `thumbnails` adds the thumbnail check (engine/tools/audit/thumbnail.ts), which decodes. */
export interface AuditOptions {
  thumbnails: boolean;
}

/** The audits of a batch of files, in the order given, and the worker's time on them (read and audit). */
export interface AuditBatch {
  photos: PhotoAudit[];
  ms: number;
  /** Bytes read from the files (a sparse read reads a fraction of each). */
  bytesRead: number;
}

/** A cleaned copy: its bytes (transferred), or why it could not be made. */
export type Cleaned = { ok: true; data: Uint8Array; removed: number } | { ok: false; problem: FileProblem };
