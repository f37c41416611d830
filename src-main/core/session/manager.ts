import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { vendorErrorLine, type NewEvent, type SessionEvent, type SessionSummary } from '../events.ts';
import { Redactor } from '../secrets/redact.ts';
import { resolveSecretRefs } from '../secrets/references.ts';
import { ProfileCredentials, type CredentialSource } from '../secrets/credentials.ts';
import { sendHttp, TransportError, type HttpExchange, type HttpRequestSpec } from '../http.ts';
import { DEFAULT_TIMEOUTS, type Profile } from '../profiles/types.ts';
import type { OperationDescriptor, OperationOutcome, SessionContext, VendorDescriptor, VendorError } from '../vendors/types.ts';
import { EventWriter, SessionDirectory, readEvents } from './event-store.ts';

export type { CredentialSource };

export interface StartRequest {
  vendor: VendorDescriptor;
  operation: OperationDescriptor;
  profile: Profile;
  payload: Record<string, unknown>;
  sandboxUrl: string | undefined;
}

type ActionHandler = (action: string, data: unknown) => Promise<unknown> | unknown;

interface LiveSession {
  summary: SessionSummary;
  writer: EventWriter;
  redactor: Redactor;
  started: number;
  seq: number;
  abort: AbortController;
  action?: ActionHandler;
  /** Resolves once the operation has registered its action handler (a socket vendor does so as it connects). */
  actionReady: Promise<void>;
  setActionReady: () => void;
  /** Result of a room operation's control-plane call, kept while the renderer is in the room. */
  controlPlaneResult?: unknown;
  /** What started it: room.join mints join parameters from it (sessions the runner started included). */
  request: StartRequest;
  operation: OperationDescriptor;
  /** Whether stopping this session ends the vendor task it started (the operation's closeTask); the stop call decides. */
  closeTaskOnStop: boolean;
  /** Signal for the calls made after the stop (closing the vendor task): the session's own signal is aborted then. */
  closing: AbortController | null;
  done: Promise<OperationOutcome>;
}

export interface StopOptions {
  /** End the vendor task the session started (default true); false leaves it running, e.g. to rejoin its room later. */
  closeTask?: boolean;
}

/**
 * Batches of new events, pushed to the renderer (IPC or the E2E bridge). `json` is the same batch already
 * serialised as a JSON array, for transports that send text (no second stringify on the hot path).
 */
export type EventSink = (sessionId: string, events: SessionEvent[], json: string) => void;
export type StateSink = (summary: SessionSummary) => void;

const BATCH_MS = 16;

export class SessionManager {
  private live = new Map<string, LiveSession>();
  private outbox = new Map<string, { events: SessionEvent[]; lines: string[] }>();
  private batchTimer: NodeJS.Timeout | null = null;
  private eventSinks = new Set<EventSink>();
  private stateSinks = new Set<StateSink>();
  /** Every secret value any session resolved: also redacted from sessions started later (a key pasted into a payload). */
  readonly redactor = new Redactor();

  readonly directory: SessionDirectory;
  private readonly credentials: CredentialSource;

  constructor(directory: SessionDirectory, credentials: CredentialSource) {
    this.directory = directory;
    this.credentials = credentials;
  }

  onEvents(sink: EventSink): () => void {
    this.eventSinks.add(sink);
    return () => this.eventSinks.delete(sink);
  }

  onState(sink: StateSink): () => void {
    this.stateSinks.add(sink);
    return () => this.stateSinks.delete(sink);
  }

  list(): SessionSummary[] {
    const live = new Set(this.live.keys());
    return this.directory.list(live).map((s) => (this.live.has(s.id) ? { ...s, eventCount: this.live.get(s.id)!.seq } : s));
  }

  /** A page of a session's events (from its NDJSON record). */
  events(id: string, from = 0, limit = 1000): { events: SessionEvent[]; total: number; badLines: number } {
    this.live.get(id)?.writer.flush();
    const { events, badLines } = readEvents(this.directory.eventsFile(id));
    return { events: events.slice(from, from + limit), total: events.length, badLines };
  }

  isLive(id: string): boolean {
    return this.live.has(id);
  }

  /** The unredacted control-plane result of a running room session (what room.join needs), if it has one yet. */
  controlPlaneResult(id: string): unknown {
    return this.live.get(id)?.controlPlaneResult;
  }

  /** What started a running session (vendor, operation, profile, payload, sandbox URL). */
  startRequest(id: string): StartRequest | undefined {
    return this.live.get(id)?.request;
  }

  /** Start an operation; resolves with the session id once the session is recorded (the run goes on). */
  async start(req: StartRequest): Promise<{ sessionId: string; done: Promise<OperationOutcome> }> {
    const id = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${req.vendor.id}-${randomUUID().slice(0, 8)}`;
    const summary: SessionSummary = {
      id,
      vendor: req.vendor.id,
      operation: req.operation.id,
      profileId: req.profile.id,
      target: req.profile.target,
      startedAt: new Date().toISOString(),
      endedAt: null,
      durationMs: null,
      state: 'running',
      outcome: null,
      eventCount: 0,
    };
    // Every credential of the profile is known to the redactor before the first line is written: a key pasted
    // into an ordinary field of the payload is redacted from the summary and the start event too.
    const resolved = await this.credentialsFor(req.profile, req.vendor);
    const session: LiveSession = {
      request: req,
      summary,
      writer: new EventWriter(this.directory.eventsFile(id)),
      redactor: this.redactor,
      started: performance.now(),
      seq: 0,
      abort: new AbortController(),
      operation: req.operation,
      closeTaskOnStop: true,
      closing: null,
      done: Promise.resolve({ ok: false, summary: '' }),
      actionReady: Promise.resolve(),
      setActionReady: () => undefined,
    };
    session.actionReady = new Promise<void>((resolve) => (session.setActionReady = resolve));
    this.live.set(id, session);
    try {
      // The stored payload keeps {{secret:…}} references but not credentials typed in as literals (a UserSig):
      // "run again" then asks for a fresh one rather than the record holding a 180-day credential in clear.
      this.directory.writeSummary({ ...summary, payload: this.redactor.value(req.payload) });
      this.emit(session, {
        kind: 'session.start',
        dir: 'local',
        summary: `${req.vendor.id} ${req.operation.id} (${req.profile.target})`,
        data: { payload: req.payload, profile: req.profile.name },
      });
    } catch (err) {
      // Nothing may stay open for a session that could not be recorded (a file handle and a flush timer each).
      session.writer.close();
      this.live.delete(id);
      this.outbox.delete(id);
      throw Object.assign(new Error(`session: the payload could not be recorded (${(err as Error).message})`), { code: 'BAD_ARGUMENTS' });
    }

    let ctx: SessionContext;
    try {
      ctx = this.context(session, req, resolved);
    } catch (err) {
      const error: VendorError = { code: 'PAYLOAD', message: (err as Error).message };
      this.emit(session, { kind: 'error', dir: 'local', summary: error.message, data: error });
      const outcome = { ok: false, summary: error.message, error };
      this.finish(session, outcome);
      return { sessionId: id, done: Promise.resolve(outcome) };
    }
    session.done = this.run(session, req, ctx);
    return { sessionId: id, done: session.done };
  }

  private async run(session: LiveSession, req: StartRequest, ctx: SessionContext): Promise<OperationOutcome> {
    let outcome: OperationOutcome;
    try {
      outcome = await req.operation.run(ctx);
    } catch (err) {
      const error = toVendorError(err);
      ctx.fail(error);
      outcome = { ok: false, summary: `${error.code}: ${error.message}`, error };
    }
    if (req.operation.transport === 'room' && outcome.ok) {
      session.controlPlaneResult = outcome.result;
      if (!session.abort.signal.aborted) {
        // The renderer now joins the room and reports what happens there with session.record until session.stop.
        this.emit(session, { kind: 'session.control-plane-done', dir: 'local', summary: outcome.summary, data: outcome.result });
        await new Promise<void>((resolve) => session.abort.signal.addEventListener('abort', () => resolve(), { once: true }));
      }
      // Also when the stop came while the task was being created: it exists now, and nobody else will end it.
      if (req.operation.closeTask && session.closeTaskOnStop) outcome = await this.closeTask(session, req.operation, ctx, outcome);
    }
    this.finish(session, outcome);
    return outcome;
  }

  /** After a stop: end the vendor task the session started, within the session (its own calls, its own record). */
  private async closeTask(session: LiveSession, op: OperationDescriptor, ctx: SessionContext, outcome: OperationOutcome): Promise<OperationOutcome> {
    session.closing = new AbortController();
    let closed: OperationOutcome;
    try {
      closed = await op.closeTask!({ ...ctx, signal: session.closing.signal }, outcome.result);
    } catch (err) {
      const error = toVendorError(err);
      ctx.fail(error);
      closed = { ok: false, summary: `${error.code}: ${error.message}`, error };
    } finally {
      session.closing = null;
    }
    this.emit(session, {
      kind: closed.ok ? 'task.closed' : 'task.close-failed',
      dir: 'local',
      summary: closed.ok ? `vendor task closed · ${closed.summary}` : `the vendor task may still be running: ${closed.summary}`,
      data: { ok: closed.ok, summary: closed.summary, error: closed.error, result: closed.result },
    });
    return { ...outcome, summary: `${outcome.summary} · ${closed.ok ? 'task closed' : `task not closed (${closed.summary})`}` };
  }

  /**
   * A profile's credentials, read once (for a session: before its first line is written), their secret values
   * registered with the redactor. Inspections and room joins read them here too.
   */
  async credentialsFor(profile: Profile, vendor: VendorDescriptor): Promise<ProfileCredentials> {
    const resolved = await ProfileCredentials.resolve(this.credentials, profile, vendor);
    for (const v of resolved.secrets()) this.redactor.add(v);
    return resolved;
  }

  private context(session: LiveSession, req: StartRequest, resolved: ProfileCredentials): SessionContext {
    const { profile } = req;
    const resolvedPayloadWithSecrets = resolveSecretRefs(req.payload, (name) => resolved.values.get(name));
    const timeouts = { ...DEFAULT_TIMEOUTS, ...profile.timeouts };
    return {
      sessionId: session.summary.id,
      vendor: req.vendor.id,
      operation: req.operation.id,
      profile,
      sandboxUrl: req.sandboxUrl,
      resolvedPayloadWithSecrets,
      payloadWithRefs: req.payload,
      signal: session.abort.signal,
      timeouts,
      emit: (event) => this.emit(session, event),
      fail: (error) =>
        this.emit(session, {
          kind: 'error',
          dir: 'in',
          summary: vendorErrorLine(error),
          data: error,
        }),
      credential: async (name) => resolved.get(name),
      addSecret: (value) => this.redactor.add(value),
      http: (spec: HttpRequestSpec) => this.http(session, spec, timeouts.responseMs),
      writeFile: async (name, bytes) => {
        const safe = basename(name);
        this.directory.artifactsDir(session.summary.id);
        writeFileSync(this.directory.artifactFile(session.summary.id, safe), bytes);
        return safe;
      },
      onAction: (handler) => {
        session.action = handler;
        session.setActionReady();
      },
    };
  }

  private async http(session: LiveSession, spec: HttpRequestSpec, responseMs: number) {
    const body = typeof spec.body === 'string' ? spec.body : spec.body ? `<${spec.body.length} bytes>` : '';
    this.emit(session, {
      kind: 'http.request',
      dir: 'out',
      summary: `${spec.method} ${spec.url}`,
      data: { method: spec.method, url: spec.url, headers: spec.headers ?? {}, body: parseMaybe(body) },
    });
    try {
      const ex = await sendHttp({ ...spec, timeoutMs: spec.timeoutMs ?? responseMs }, session.closing?.signal ?? session.abort.signal);
      this.emit(session, {
        kind: 'http.response',
        dir: 'in',
        summary: `${ex.status} · ${Math.round(ex.durationMs)} ms · ${ex.bodyBytes.length} B`,
        data: { status: ex.status, headers: ex.headers, body: ex.json ?? recordedBody(ex), durationMs: Math.round(ex.durationMs * 10) / 10 },
      });
      return ex;
    } catch (err) {
      if (err instanceof TransportError)
        this.emit(session, {
          kind: 'http.error',
          dir: 'local',
          summary: `${err.code}: ${err.message}`,
          data: { code: err.code, message: err.message, durationMs: Math.round(err.durationMs) },
        });
      throw err;
    }
  }

  /** Append a redacted event to the record and the outbox. */
  emit(session: LiveSession, event: NewEvent): SessionEvent {
    const full: SessionEvent = {
      seq: ++session.seq,
      t: Math.round((performance.now() - session.started) * 100) / 100,
      at: new Date().toISOString(),
      kind: event.kind,
      dir: event.dir,
      summary: session.redactor.text(event.summary),
    };
    if (event.data !== undefined) full.data = event.data;
    let line: string;
    try {
      line = JSON.stringify(full);
      // Serialise once; walk the data only when the serialisation shows a credential key or a known secret.
      if (event.data !== undefined && session.redactor.mayNeedRedaction(line)) {
        full.data = session.redactor.value(event.data);
        line = JSON.stringify(full);
      }
    } catch (err) {
      // Data that cannot be serialised (a vendor body nested too deep for the stack, a cycle, a BigInt) must not cost
      // the event its place in the record: its seq is taken, so the event is kept with the reason instead of the data.
      full.data = { unrecordable: `event data could not be serialised: ${(err as Error).message}` };
      line = JSON.stringify(full);
    }
    session.writer.appendLine(line);
    const box = this.outbox.get(session.summary.id);
    if (box) {
      box.events.push(full);
      box.lines.push(line);
    } else this.outbox.set(session.summary.id, { events: [full], lines: [line] });
    if (!this.batchTimer) this.batchTimer = setTimeout(() => this.drain(), BATCH_MS);
    return full;
  }

  /** Events the renderer observed in a room (joined there, not here), appended to the same record. */
  record(id: string, events: NewEvent[]): number {
    const session = this.live.get(id);
    if (!session) throw new Error(`session ${id} is not running`);
    for (const e of events) this.emit(session, e);
    return session.seq;
  }

  async send(id: string, action: string, data: unknown): Promise<unknown> {
    const session = this.live.get(id);
    if (!session) throw new Error(`session ${id} is not running`);
    if (!session.operation.actions?.length)
      throw Object.assign(new Error(`session ${id} (${session.summary.operation}) takes no actions`), { code: 'NO_ACTIONS' });
    // An operation that takes actions registers its handler as it starts (a socket vendor once connected): the action
    // waits for it, or for the end of the session, rather than being refused for arriving early.
    if (!session.action) await Promise.race([session.actionReady, session.done]);
    if (!session.action) throw Object.assign(new Error(`session ${id} ended before it took actions`), { code: 'SESSION_ENDED' });
    return session.action(action, data);
  }

  async stop(id: string, options: StopOptions = {}): Promise<OperationOutcome | null> {
    const session = this.live.get(id);
    if (!session) return null;
    // A second stop (a double click, the app closing) waits for the first one rather than deciding again.
    if (session.abort.signal.aborted) return session.done;
    session.closeTaskOnStop = options.closeTask ?? true;
    const task =
      session.operation.closeTask && session.controlPlaneResult !== undefined
        ? session.closeTaskOnStop
          ? ' · closing the vendor task'
          : ' · leaving the vendor task running'
        : '';
    this.emit(session, { kind: 'session.stop', dir: 'local', summary: `stop requested${task}`, data: { closeTask: session.closeTaskOnStop } });
    session.abort.abort();
    return session.done;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.stop(id)));
  }

  private finish(session: LiveSession, outcome: OperationOutcome): void {
    if (!this.live.has(session.summary.id)) return;
    this.emit(session, {
      kind: 'session.end',
      dir: 'local',
      summary: outcome.ok ? `ok · ${outcome.summary}` : `failed · ${outcome.summary}`,
      data: { ok: outcome.ok, error: outcome.error, result: outcome.result },
    });
    const summary: SessionSummary = {
      ...session.summary,
      endedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - session.started),
      state: outcome.ok ? 'ended' : 'failed',
      outcome: session.redactor.text(outcome.summary),
      eventCount: session.seq,
    };
    session.writer.close();
    const stored = this.directory.readSummary(summary.id) ?? {};
    this.directory.writeSummary({ ...stored, ...summary, result: session.redactor.value(outcome.result), error: session.redactor.value(outcome.error) });
    this.live.delete(summary.id);
    this.drain();
    for (const sink of this.stateSinks) sink(summary);
  }

  private drain(): void {
    this.batchTimer = null;
    const box = this.outbox;
    this.outbox = new Map();
    for (const [id, { events, lines }] of box) {
      const json = `[${lines.join(',')}]`;
      for (const sink of this.eventSinks) {
        // One failing transport (a window gone mid-send) must neither end the process from this timer nor starve the others.
        try {
          sink(id, events, json);
        } catch {
          /* the sink's own transport reports its failure */
        }
      }
    }
  }
}

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function toVendorError(err: unknown): VendorError {
  if (err instanceof TransportError) return { code: err.code, message: err.message };
  const e = err as Partial<VendorError> & Error;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string')
    return { code: e.code, message: e.message, requestId: e.requestId, httpStatus: e.httpStatus, field: e.field };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(err) };
}

/** A response body as the record keeps it: text as text, media (a TTS mp3) by its size and type, not as mangled text. */
function recordedBody(ex: HttpExchange): string {
  const type = ex.headers['content-type'] ?? '';
  return /^(audio|video|image)\/|octet-stream/i.test(type) ? `<${ex.bodyBytes.length} B ${type.split(';')[0]}>` : ex.bodyText;
}
