/**
 * What the screen and the hand are, for the layout and the hints: a narrow screen (one column, the
 * settings folded under a "Settings" disclosure), a touch screen (touch hints instead of keyboard
 * hints), and whether the person asked for less motion.
 */
import { MediaQuery } from 'svelte/reactivity';

/** One column: the layout of phones and narrow windows (global.css switches at the same width). */
export const narrow = new MediaQuery('(max-width: 919px)');
/** A finger is the main pointer: hints speak of taps and pinches, not keys. */
export const touch = new MediaQuery('(pointer: coarse)');
export const reducedMotion = new MediaQuery('(prefers-reduced-motion: reduce)');
