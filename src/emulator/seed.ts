/** The deterministic demo data set loaded by `--seed demo`. */
import type { Engine } from './engine.ts';

export function seedDemo(_engine: Engine, _accountSid: string): void {}
