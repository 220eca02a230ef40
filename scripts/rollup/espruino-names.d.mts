/** Types of espruino-names.mjs, for the TypeScript checker code. */
export declare const ESPRUINO_MODULES: string[];
export declare const ESPRUINO_KEYWORDS: string[];
export declare const RESERVED_NAMES: string[];
export declare const ESPRUINO_GLOBALS: string[];
export declare const PIN_NAMES: string[];
