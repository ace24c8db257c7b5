/**
 * Named phone sets, as normalised symbols (lowercase, no stress digits), sorted.
 * - `timit61`: TIMIT's 61 labels (Garofolo et al. 1993), including `h#`, `pau`, `epi`, `q` and closures.
 * - `timit39`: the 39 scoring classes of Lee & Hon (1989), what {@link foldTimit39} maps onto.
 * - `arpabet`: CMUdict's 39 phones (MFA's English ARPAbet without stress) plus `sil`.
 * - `radio`: festival's radio set (festival/lib/radio_phones.scm, as CMU ARCTIC labels use), with
 *   its silences `pau`, `h#`, `brth`.
 *
 * ## Example
 * ```ts
 * PHONE_SETS.arpabet.length; // 40
 * ```
 */
export const PHONE_SETS = {
  timit61: sorted(
    'aa ae ah ao aw ax ax-h axr ay b bcl ch d dcl dh dx eh el em en eng epi er ey f g gcl h# hh hv ih ix iy jh k kcl l m n ng nx ow oy p pau pcl q r s sh t tcl th uh uw ux v w y z zh',
  ),
  timit39: sorted('aa ae ah aw ay b ch d dh dx eh er ey f g hh ih iy jh k l m n ng ow oy p r s sh sil t th uh uw v w y z'),
  arpabet: sorted('aa ae ah ao aw ay b ch d dh eh er ey f g hh ih iy jh k l m n ng ow oy p r s sh sil t th uh uw v w y z zh'),
  radio: sorted(
    'aa ae ah ao aw ax axr ay b brth ch d dh dx eh el em en er ey f g h# hh hv ih iy jh k l m n ng nx ow oy p pau r s sh t th uh uw v w y z zh',
  ),
} as const satisfies Record<string, readonly string[]>;

/** A name of one of {@link PHONE_SETS}. */
export type PhoneSetName = keyof typeof PHONE_SETS;

function sorted(list: string): readonly string[] {
  return Object.freeze(list.split(' ').sort());
}
