/**
 * The Mersenne Twister (MT19937) with 53-bit floats, as @faker-js/faker 10 implements it
 * (`generateMersenne53Randomizer`, MIT): the same seed gives the same sequence of numbers, so
 * faker given this randomizer draws exactly what it drew with its own. The emulator keeps one, so
 * its hot draws (ids, integers, picks) skip faker's layers while moving the same sequence.
 */

const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const N = 624;
const M = 397;

function initialStates(seed: number): number[] {
  const states = new Array<number>(N);
  states[0] = seed;
  for (let index = 1; index !== N; ++index) {
    const previous = states[index - 1] ^ (states[index - 1] >>> 30);
    states[index] = Math.trunc(Math.imul(1812433253, previous) + index);
  }
  return states;
}

function twist(states: number[]): number[] {
  for (let index = 0; index !== N - M; ++index) {
    const y = (states[index] & UPPER_MASK) + (states[index + 1] & LOWER_MASK);
    states[index] = states[index + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  for (let index = N - M; index !== N - 1; ++index) {
    const y = (states[index] & UPPER_MASK) + (states[index + 1] & LOWER_MASK);
    states[index] = states[index + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  const y = (states[N - 1] & UPPER_MASK) + (states[0] & LOWER_MASK);
  states[N - 1] = states[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  return states;
}

/** faker's `Randomizer`: `next()` in [0, 1), `seed(n)` restarts the sequence. */
export class Mersenne53 {
  private states: number[];
  private index = 0;

  constructor(seed: number) {
    this.states = twist(initialStates(seed));
  }

  /** Restarts the sequence (an arrow: faker calls its randomizer's methods unbound). */
  readonly seed = (seed: number): void => {
    this.states = twist(initialStates(seed));
    this.index = 0;
  };

  private nextU32(): number {
    let y = this.states[this.index];
    y ^= this.states[this.index] >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    if (++this.index >= N) {
      this.states = twist(this.states);
      this.index = 0;
    }
    return y >>> 0;
  }

  /** A float in [0, 1) with 53 random bits (an arrow: faker calls it unbound). */
  readonly next = (): number => {
    const high = this.nextU32() >>> 5;
    const low = this.nextU32() >>> 6;
    return (high * 67108864 + low) * 1.1102230246251565e-16;
  };
}
