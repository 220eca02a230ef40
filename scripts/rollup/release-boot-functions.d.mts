/** Types of release-boot-functions.mjs, for the tests. */
export declare function releaseBootFunctions(code: string): Promise<string>;
