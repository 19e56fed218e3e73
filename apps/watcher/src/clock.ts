/** The time source: every component takes it as an argument (tests may pass their own). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
