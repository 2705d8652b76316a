import { describe, expect, it } from 'vitest';
import { FAULT_CATALOGUE } from '../../../mock-idp/faults/catalogue.ts';
import { startTestIdp } from '../../support/idp.ts';

const idp = await startTestIdp();

describe('the fault catalogue of docs/faults.md', () => {
  for (const entry of FAULT_CATALOGUE) {
    it(`the rule for "${entry.what}" is accepted by the admin API`, async () => {
      const stored = await idp.admin.faults.add('default', entry.rule);
      expect(stored.id).toBeTypeOf('string');
      await idp.admin.faults.remove('default', stored.id);
    });
  }
});
