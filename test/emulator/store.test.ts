/** The emulator's tables in-process: every change of a record goes through the store and moves its version. */
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/emulator/store.ts';

const CHANNELS = '/v2/Services/IS1/Channels';

describe('AccountStore', () => {
  it('moves its version with every insert, update and remove', () => {
    const account = new Store().account('AC1');
    const versions = [account.version];
    const channel = account.insert(CHANNELS, 'CH1', { sid: 'CH1', friendly_name: 'one' });
    versions.push(account.version);
    account.update(channel, { friendly_name: 'renamed' });
    versions.push(account.version);
    account.remove(channel.path);
    versions.push(account.version);
    expect(new Set(versions).size).toBe(4);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('changes only the fields given, on the record that get and list answer', () => {
    const account = new Store().account('AC1');
    const channel = account.insert(CHANNELS, 'CH1', { sid: 'CH1', friendly_name: 'one', attributes: '{}' });
    const before = channel.data;
    expect(account.update(channel, { friendly_name: 'renamed', _next_index: 1 })).toBe(channel);
    expect(account.get(channel.path)!.data).toEqual({ sid: 'CH1', friendly_name: 'renamed', attributes: '{}', _next_index: 1 });
    expect(account.list(CHANNELS)).toEqual([channel]);
    // The data a caller read before is left as it was: a change is a new object, never an edit in place.
    expect(before).toEqual({ sid: 'CH1', friendly_name: 'one', attributes: '{}' });
  });

  it('refuses to update a record it does not hold (one removed, or a view made from others)', () => {
    const account = new Store().account('AC1');
    const channel = account.insert(CHANNELS, 'CH1', { sid: 'CH1' });
    const view = { ...channel, data: { ...channel.data } };
    expect(() => account.update(view, { friendly_name: 'x' })).toThrow(/no record of account AC1/);
    account.remove(channel.path);
    const version = account.version;
    expect(() => account.update(channel, { friendly_name: 'x' })).toThrow(/no record of account AC1/);
    expect(account.version).toBe(version);
  });

  it('lets no one else set its version', () => {
    const account = new Store().account('AC1');
    expect(() => {
      (account as { version: number }).version = 99;
    }).toThrow(TypeError);
    expect(account.version).toBe(0);
  });
});
