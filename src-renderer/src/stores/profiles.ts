import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SecretStatus } from '../../../src-main/core/contract.ts';
import type { Profile } from '../../../src-main/core/profiles/types.ts';
import { call } from '../api.ts';

export type ProfileDraft = Partial<Profile> & Pick<Profile, 'name' | 'vendor' | 'target'>;

/** Profiles and the set / not set status of their credentials. Secret values are written, never read back. */
export const useProfilesStore = defineStore('profiles', () => {
  const list = ref<Profile[]>([]);
  const secrets = ref<Record<string, SecretStatus[]>>({});
  const selectedId = ref<string | null>(null);
  const selected = computed(() => list.value.find((p) => p.id === selectedId.value) ?? null);

  async function load(): Promise<void> {
    list.value = await call('profiles.list', {});
    if (!selected.value) selectedId.value = list.value[0]?.id ?? null;
  }
  function forVendor(vendor: string): Profile[] {
    return list.value.filter((p) => p.vendor === vendor);
  }
  async function save(profile: ProfileDraft): Promise<Profile> {
    const saved = await call('profiles.save', { profile });
    const i = list.value.findIndex((p) => p.id === saved.id);
    if (i >= 0) list.value.splice(i, 1, saved);
    else list.value.push(saved);
    return saved;
  }
  async function remove(id: string): Promise<void> {
    await call('profiles.delete', { id });
    list.value = list.value.filter((p) => p.id !== id);
    delete secrets.value[id];
    if (selectedId.value === id) selectedId.value = list.value[0]?.id ?? null;
  }
  async function loadSecrets(profileId: string): Promise<SecretStatus[]> {
    const status = await call('secrets.status', { profileId });
    secrets.value[profileId] = status;
    return status;
  }
  function putStatus(profileId: string, status: SecretStatus): void {
    const current = secrets.value[profileId] ?? [];
    const i = current.findIndex((s) => s.name === status.name);
    secrets.value[profileId] = i >= 0 ? current.map((s, j) => (j === i ? status : s)) : [...current, status];
  }
  async function setSecret(profileId: string, name: string, value: string): Promise<void> {
    putStatus(profileId, await call('secrets.set', { profileId, name, value }));
  }
  async function deleteSecret(profileId: string, name: string): Promise<void> {
    putStatus(profileId, await call('secrets.delete', { profileId, name }));
  }
  return { list, secrets, selectedId, selected, load, forVendor, save, remove, loadSecrets, setSecret, deleteSecret };
});
