import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { RequestInspection, PayloadError } from '../../../src-main/core/vendors/types.ts';
import { call } from '../api.ts';
import { blockingFindings } from '../components/form/validate.ts';
import { vendorUi } from '../vendors/registry.ts';
import { useProfilesStore } from './profiles.ts';
import { useSessionsStore } from './sessions.ts';
import { useVendorsStore } from './vendors.ts';

export interface PanelState {
  operation: string;
  payload: Record<string, unknown>;
  /**
   * The payload's findings, errors and warnings: main's validation as the builder runs it on every change (the
   * generated validators and the vendor's rules), or main's own answer to a refused session.start. Kept after a
   * send, so "send anyway" never hides what is still wrong.
   */
  findings: PayloadError[];
  /** Set by the panel or vendor Extras from a vendor response (e.g. a 422 pointing at a field). */
  vendorErrors: PayloadError[];
  sessionId: string | null;
  sending: boolean;
  startError: string | null;
  inspection: RequestInspection | null;
  inspectError: string | null;
  /** Stop also ends the vendor task the session started (Tencent, NetEase); the user may untick it. */
  closeTaskOnStop: boolean;
}

/** One vendor panel per profile: the operation, the payload being built, its errors and the last session. */
export const usePanelStore = defineStore('panel', () => {
  const panels = reactive<Record<string, PanelState>>({});
  const profiles = useProfilesStore();
  const vendors = useVendorsStore();
  const sessions = useSessionsStore();
  const profileId = computed(() => profiles.selectedId);

  function stateFor(id: string): PanelState {
    if (!panels[id]) {
      const profile = profiles.list.find((p) => p.id === id);
      const op = vendors.byId(profile?.vendor ?? '')?.operations[0];
      panels[id] = {
        operation: op?.id ?? '',
        payload: structuredClone(op?.example ?? {}),
        findings: [],
        vendorErrors: [],
        sessionId: null,
        sending: false,
        startError: null,
        inspection: null,
        inspectError: null,
        closeTaskOnStop: true,
      };
    }
    return panels[id]!;
  }
  const current = computed(() => (profileId.value ? stateFor(profileId.value) : null));
  const profile = computed(() => profiles.selected);
  const vendor = computed(() => (profile.value ? vendors.byId(profile.value.vendor) : undefined));
  const operation = computed(() => (vendor.value && current.value ? vendor.value.operations.find((o) => o.id === current.value!.operation) : undefined));
  /** The operation's rules beyond JSON Schema, from the vendor's renderer registry entry (the same functions main runs). */
  const rules = computed(() => (vendor.value && operation.value ? vendorUi(vendor.value.id)?.payloadRules?.[operation.value.id] : undefined));
  /** What the vendor answered about fields, shown on them next to the findings. */
  const fieldErrors = computed(() => current.value?.vendorErrors ?? []);
  /** What stops Send (errors only; warnings never do). Vendor errors from the last answer do not: the payload may be fixed. */
  const blockingErrors = computed(() => (current.value ? blockingFindings(current.value.findings) : []));

  function selectOperation(id: string): void {
    const s = current.value;
    const op = vendor.value?.operations.find((o) => o.id === id);
    if (!s || !op) return;
    s.operation = id;
    s.payload = structuredClone(op.example ?? {});
    s.vendorErrors = [];
    s.inspection = null;
  }

  function setPayload(payload: Record<string, unknown>): void {
    const s = current.value;
    if (!s) return;
    s.payload = payload;
  }
  function resetPayload(): void {
    if (current.value) selectOperation(current.value.operation);
  }
  /** The builder's findings for the payload it shows (main's validation, run in the renderer). */
  function setFindings(findings: PayloadError[]): void {
    if (current.value) current.value.findings = findings;
  }

  /** For the panel and vendor Extras: show errors from a vendor response on the fields they point at. */
  function setFieldErrors(errors: Pick<PayloadError, 'path' | 'message'>[]): void {
    if (current.value)
      current.value.vendorErrors = errors.map((e) => ({
        path: e.path.startsWith('/') || e.path === '' ? e.path : `/${e.path.replace(/\./g, '/')}`,
        message: e.message,
        severity: 'error',
      }));
  }

  async function send(sendAnyway = false): Promise<void> {
    const s = current.value;
    const p = profile.value;
    if (!s || !p || !s.operation) return;
    s.sending = true;
    s.startError = null;
    s.vendorErrors = [];
    try {
      const res = await call('session.start', { profileId: p.id, operation: s.operation, payload: s.payload, sendAnyway });
      if (res.errors) {
        s.findings = res.errors;
        return;
      }
      s.sessionId = res.sessionId!;
      sessions.started({ id: res.sessionId!, vendor: p.vendor, operation: s.operation, profileId: p.id, target: p.target });
    } catch (err) {
      s.startError = (err as Error).message;
    } finally {
      s.sending = false;
    }
  }

  async function stop(): Promise<void> {
    const s = current.value;
    if (!s?.sessionId) return;
    const closeTask = sessionClosesTask.value ? s.closeTaskOnStop : undefined;
    await call('session.stop', { sessionId: s.sessionId, ...(closeTask === undefined ? {} : { closeTask }) }).catch(
      (err: Error) => (s.startError = err.message),
    );
  }

  async function inspect(): Promise<void> {
    const s = current.value;
    const p = profile.value;
    if (!s || !p) return;
    s.inspectError = null;
    try {
      s.inspection = await call('payload.inspect', { profileId: p.id, operation: s.operation, payload: s.payload });
    } catch (err) {
      s.inspection = null;
      s.inspectError = (err as Error).message;
    }
  }

  /** Show a recorded session (history) in its profile's panel. */
  function openSession(sessionId: string, forProfile: string): void {
    stateFor(forProfile).sessionId = sessionId;
  }

  /**
   * After a reload: sessions still running in core are taken back by their profile's panel (the one the panel shows
   * unless it shows another running session), so their Stop works again. Their records are loaded, not replayed.
   */
  async function restoreRunning(running: { id: string; profileId: string | null }[]): Promise<void> {
    for (const r of running) {
      if (!r.profileId || !profiles.list.some((p) => p.id === r.profileId)) continue;
      const s = stateFor(r.profileId);
      const shown = s.sessionId ? sessions.summaries[s.sessionId] : undefined;
      if (!shown || shown.state !== 'running') openSession(r.id, r.profileId);
      await sessions.loadRecord(r.id);
    }
  }

  /** The panel's session ran an operation whose stop ends a vendor task (the "close the vendor task" choice applies). */
  const sessionClosesTask = computed(() => {
    const summary = current.value?.sessionId ? sessions.summaries[current.value.sessionId] : undefined;
    return !!summary && !!vendors.operation(summary.vendor, summary.operation)?.closesTask;
  });
  const running = computed(() => {
    const id = current.value?.sessionId;
    return !!id && sessions.summaries[id]?.state === 'running';
  });
  const logVisible = ref(true);

  return {
    panels,
    current,
    profile,
    vendor,
    operation,
    fieldErrors,
    blockingErrors,
    running,
    sessionClosesTask,
    logVisible,
    selectOperation,
    setPayload,
    resetPayload,
    rules,
    setFindings,
    setFieldErrors,
    send,
    stop,
    inspect,
    openSession,
    restoreRunning,
  };
});
