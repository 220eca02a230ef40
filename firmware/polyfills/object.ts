/**
 * `Object.create(proto, properties)`: Espruino (2v29, measured) throws
 * "propertiesObject is not supported yet" for the second argument, which
 * Babel's class helpers pass. The replacement defines the properties with
 * `Object.defineProperties` after creating the object.
 */
type Create = (
  proto: object | null,
  properties?: PropertyDescriptorMap,
) => unknown;

function acceptsProperties(create: Create): boolean {
  try {
    const probe = create({}, { probe: { value: 1 } }) as { probe?: number };
    return probe.probe === 1;
  } catch {
    return false;
  }
}

/** Replaces `Object.create` when it rejects a properties argument. */
export function installObjectCreate(): void {
  const create = Object.create as Create;
  if (acceptsProperties(create)) return;
  const withProperties = (
    proto: object | null,
    properties?: PropertyDescriptorMap,
  ): unknown => {
    const made = create(proto);
    if (properties) Object.defineProperties(made, properties);
    return made;
  };
  (Object as unknown as Record<string, unknown>).create = withProperties;
}

/**
 * `Object.fromEntries` for any iterable. Espruino's (2v29) returns
 * undefined for anything but an array, and XState passes it a `Map`, so
 * this replaces it everywhere.
 */
export function fromEntries(
  entries: unknown,
  toArray: (items: unknown) => unknown[],
): Record<string, unknown> {
  const list = Array.isArray(entries) ? entries : toArray(entries);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < list.length; i++) {
    const pair = list[i] as [string, unknown];
    out[pair[0]] = pair[1];
  }
  return out;
}
