/** Types of drop-xstate-tojson.mjs, for the tests. */
import type MagicString from 'magic-string';
export declare function dropToJsonClosures(code: string): MagicString | null;
export default function dropXstateToJson(): object;
