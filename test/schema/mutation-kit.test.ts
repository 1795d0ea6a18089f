/**
 * Every mutation is declared through the kit (src/schema/shared/mutation.ts),
 * and what it declares agrees with the specs: each input field is sent as a
 * parameter the operation takes, in the place it takes it, and a field whose
 * parameter the spec gives a SID pattern is checked against that prefix.
 */
import { describe, expect, it } from 'vitest';
import { publicSchema } from '../../src/schema/index.ts';
import { loadSpecModel } from '../../src/emulator/spec-model.ts';
import type { Param } from '../../src/schema/shared/mutation.ts';

const spec = loadSpecModel();
const mutations = Object.values(publicSchema.getMutationType()!.getFields());

interface Declared {
  operation: string;
  params: Record<string, Param>;
}

const declared = (name: string) => publicSchema.getMutationType()!.getFields()[name]!.extensions.twilioWrite as Declared | undefined;

describe('the mutation kit', () => {
  it('declares every mutation', () => {
    expect(mutations.filter((field) => !field.extensions.twilioWrite).map((field) => field.name)).toEqual([]);
  });

  it('sends each input field as a parameter its operation takes, where it takes it', () => {
    const wrong: string[] = [];
    for (const field of mutations) {
      const write = declared(field.name);
      if (!write) continue;
      const operation = spec.operationsById.get(write.operation);
      if (!operation) {
        wrong.push(`${field.name}: no operation ${write.operation} in the specs`);
        continue;
      }
      for (const [input, param] of Object.entries(write.params)) {
        if (!param.twilio) continue;
        const place = param.twilio.in;
        // Every name a field is sent as: its own, or each one its `send` answers.
        for (const name of Array.isArray(param.spreads) ? param.spreads : [param.twilio.name]) {
          const taken = operation.params.find((p) => p.name === name || (param.spreads === true && p.name.startsWith(`${name}.`)));
          if (!taken) wrong.push(`${field.name}: input.${input} is sent as ${name}, which ${write.operation} does not take`);
          else if (taken.in !== place)
            wrong.push(`${field.name}: input.${input} is sent in the ${place}, ${write.operation} takes ${taken.name} in the ${taken.in}`);
        }
      }
      const sentInPath = Object.values(write.params).flatMap((p) => (p.twilio?.in === 'path' ? [p.twilio.name] : []));
      for (const p of operation.pathParams) if (!sentInPath.includes(p.name)) wrong.push(`${field.name}: no input field is sent as the path's ${p.name}`);
    }
    expect(wrong).toEqual([]);
  });

  it('checks a field against the SID prefix the spec gives its parameter', () => {
    const wrong: string[] = [];
    for (const field of mutations) {
      const write = declared(field.name);
      const operation = write && spec.operationsById.get(write.operation);
      if (!write || !operation) continue;
      for (const [input, param] of Object.entries(write.params)) {
        const taken = param.twilio && operation.params.find((p) => p.name === param.twilio!.name);
        const prefix = taken?.pattern && /^\^([A-Z]{2})\[0-9a-fA-F\]\{32\}\$$/.exec(taken.pattern.source)?.[1];
        if (prefix && param.sid !== prefix && param.sidOrName !== prefix) wrong.push(`${field.name}: input.${input} must be checked as a ${prefix} SID`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
