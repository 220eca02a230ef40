/** Types of slim-xstate-logic.mjs, for the tests. */
import type MagicString from 'magic-string';
export declare function slimXstateLogic(
  code: string,
  id: string,
): MagicString | null;
export default function slimXstateLogicPlugin(): object;
