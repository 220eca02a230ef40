/** Types of espruino-fixups.mjs, for the tests. */
export declare function applyEspruinoFixups(code: string): Promise<string>;
export declare function escapeBracketsInClasses(pattern: string): string;
