/**
 * The renderer's side of the vendor registry (src-main/core/vendors/registry.ts): what a vendor adds to the renderer
 * beyond what its descriptor already gives every panel through vendors.list (title, colour, credentials, operations
 * and their schemas). One line a vendor below; the type checker refuses a built-in vendor missing here and one here
 * that core does not have. A room vendor's RTC SDK runs in the room frame, which picks its driver by the SDK the
 * vendor's descriptor names (rooms/frame/main.ts).
 */
import type { Component } from 'vue';
import type { BuiltInVendorId } from '../../../src-main/core/vendors/registry.ts';
import type { PayloadRules } from '../../../src-main/core/vendors/types.ts';
import type { SessionEvent } from '../../../src-main/core/events.ts';
import { convaiUi } from './convai/index.ts';
import { neteaseUi } from './netease/index.ts';
import { mindcraftUi } from './mindcraft/index.ts';
import { tencentUi } from './tencent/index.ts';

export interface VendorUi<Id extends string = string> {
  id: Id;
  /**
   * The vendor's own part of its panel (room, results, tools), loaded when the vendor is opened so the RTC SDKs stay
   * out of the initial bundle. It receives `VendorExtrasProps` and may emit `VendorExtrasEmits`. Without one the
   * panel is the generic one (payload builder, inspector, result, log, audio).
   */
  extras?: () => Promise<{ default: Component }>;
  /**
   * The vendor's UI text, as vue-i18n messages under `vendor.<id>` (`t('vendor.netease.joinRoom')`), English and
   * Chinese with the same keys (test/renderer/i18n.test.ts checks every registered vendor's).
   */
  messages?: { en: VendorMessages; zh: VendorMessages };
  /**
   * The operations' rules beyond JSON Schema: the very object the vendor's descriptor takes its `validate` from, so the
   * form runs main's validation on every keystroke (test/unit/core/compiled-validators.test.ts checks they are the same).
   */
  payloadRules?: PayloadRules;
  /** A vendor whose sessions start tasks that keep running (and billing) until closed: how to follow and close them. */
  tasks?: VendorTasks;
}

/** A vendor task as the open-tasks store keeps it (ids and room names only, nothing secret). */
export interface VendorTask {
  taskId: string;
  /** The room it runs in (RoomId / cname). */
  room: string;
  /** NetEase: which API created it (close must use the same). */
  variant?: 'server' | 'client';
}

export interface VendorTasks {
  /**
   * What a live event of one of the vendor's sessions says about its tasks: one opened, or the id of one closed.
   * `startPayload` is the session's payload (from its session.start), `sessionTask` the open task it started.
   */
  follow(e: SessionEvent, startPayload: Record<string, unknown> | undefined, sessionTask: string | undefined): { opened?: VendorTask; closed?: string } | null;
  /** The operation and payload that close a task outside its own session. */
  closeCall(task: VendorTask): { operation: string; payload: Record<string, unknown> };
}

export interface VendorMessages {
  [key: string]: string | VendorMessages;
}

const BUILT_IN_UIS = [convaiUi, neteaseUi, mindcraftUi, tencentUi] as const;

type UiIds = (typeof BUILT_IN_UIS)[number]['id'];
type Mismatch = Exclude<BuiltInVendorId, UiIds> | Exclude<UiIds, BuiltInVendorId>;
/** Compile-time check: `true` only when the list above matches core's built-in vendors exactly. */
export const VENDOR_UIS_COMPLETE: [Mismatch] extends [never] ? true : { mismatch: Mismatch } = true;

const registered: VendorUi[] = [...BUILT_IN_UIS];
const listeners = new Set<(ui: VendorUi) => void>();

/** Add a vendor's renderer parts (a test's own vendor, like core's registerVendor). */
export function registerVendorUi(ui: VendorUi): void {
  if (registered.some((x) => x.id === ui.id)) throw new Error(`vendor registry (renderer): ${ui.id} is registered already`);
  registered.push(ui);
  for (const l of listeners) l(ui);
}

/** Every registered vendor's renderer parts. */
export function vendorUis(): readonly VendorUi[] {
  return registered;
}

/** Be told of vendors registered from now on (the i18n instance takes their messages). */
export function onVendorUiRegistered(listener: (ui: VendorUi) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function vendorUi(id: string): VendorUi | undefined {
  return registered.find((x) => x.id === id);
}

export interface VendorExtrasProps {
  /** Profile id the panel is using. */
  profileId: string;
  /** The running or last session of this panel, if any. */
  sessionId: string | null;
  /** Operation id selected in the payload builder. */
  operation: string;
  /** The payload currently in the builder (with secret references, never values). */
  payload: Record<string, unknown>;
}

/**
 * What an Extras component may ask of its panel: `update:payload` replaces the builder's payload (e.g. Tencent's
 * "Fill AgentConfig.UserSig" and "Use TaskId"). The panel should bind it: `@update:payload="p => payload = p"`.
 */
export interface VendorExtrasEmits {
  'update:payload': [payload: Record<string, unknown>];
}
