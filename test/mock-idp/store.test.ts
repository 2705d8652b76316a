import { describe, expect, it } from 'vitest';
import { TtlStore } from '../../mock-idp/provider/store.ts';
import { realTime } from '../../mock-idp/clock/clock.ts';

describe('token store', () => {
  it('forgets a million expired tokens and their grant indexes, so memory stays bounded', () => {
    const store = new TtlStore();
    try {
      for (let index = 0; index < 1_000_000; index += 1) {
        store.upsert('AccessToken', `at-${index}`, { grantId: `grant-${index % 1000}`, accountId: 'alice' }, 60);
      }
      expect(store.size).toBe(1_000_000);
      expect(store.sweep(realTime() + 61_000 + 10_000)).toBe(1_000_000);
      expect(store.size).toBe(0);
      store.revokeByGrantId('AccessToken', 'grant-1'); // the grant index is empty too: nothing to find
      expect(store.find('AccessToken', 'at-1')).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('counts the entries of each model through updates, deletions, grant revocation, sweeps and clearing', () => {
    const store = new TtlStore();
    try {
      store.upsert('DevicePolling', 'a', {}, 60);
      store.upsert('DevicePolling', 'a', { interval: 10 }, 60);
      store.upsert('DevicePolling', 'b', {}, 1);
      store.upsert('AccessToken', 'at', { grantId: 'g' }, 60);
      expect([store.countOf('DevicePolling'), store.countOf('AccessToken'), store.countOf('Session')]).toEqual([2, 1, 0]);
      store.destroy('DevicePolling', 'a');
      store.destroy('DevicePolling', 'a');
      store.revokeByGrantId('AccessToken', 'g');
      expect([store.countOf('DevicePolling'), store.countOf('AccessToken')]).toEqual([1, 0]);
      store.sweep(realTime() + 20_000);
      expect(store.countOf('DevicePolling')).toBe(0);
      store.upsert('Session', 's', {}, 60);
      store.clear();
      expect(store.countOf('Session')).toBe(0);
    } finally {
      store.close();
    }
  });

  it('keeps live entries when sweeping', () => {
    const store = new TtlStore();
    try {
      store.upsert('RefreshToken', 'short', {}, 1);
      store.upsert('RefreshToken', 'long', {}, 3600);
      store.sweep(realTime() + 20_000);
      expect(store.find('RefreshToken', 'short')).toBeUndefined();
      expect(store.find('RefreshToken', 'long')).toEqual({});
    } finally {
      store.close();
    }
  });

  it('revokes every token of a grant and nothing else', () => {
    const store = new TtlStore();
    try {
      store.upsert('RefreshToken', 'a', { grantId: 'g1' }, 60);
      store.upsert('RefreshToken', 'b', { grantId: 'g1' }, 60);
      store.upsert('RefreshToken', 'c', { grantId: 'g2' }, 60);
      store.revokeByGrantId('RefreshToken', 'g1');
      expect([store.find('RefreshToken', 'a'), store.find('RefreshToken', 'b'), store.find('RefreshToken', 'c')]).toEqual([
        undefined,
        undefined,
        { grantId: 'g2' },
      ]);
    } finally {
      store.close();
    }
  });

  it('finds sessions by uid and device codes by user code', () => {
    const store = new TtlStore();
    try {
      store.upsert('Session', 's1', { uid: 'u1' }, 60);
      store.upsert('DeviceCode', 'd1', { userCode: 'ABCD-EFGH' }, 60);
      expect(store.findByUid('Session', 'u1')).toEqual({ uid: 'u1' });
      expect(store.findByUserCode('DeviceCode', 'ABCD-EFGH')).toEqual({ userCode: 'ABCD-EFGH' });
      store.destroy('Session', 's1');
      expect(store.findByUid('Session', 'u1')).toBeUndefined();
    } finally {
      store.close();
    }
  });
});
