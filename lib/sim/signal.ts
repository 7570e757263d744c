/**
 * A one-shot event a process can wait on (SimPy's `Event`): triggered once with a value; waiters
 * registered before or after the trigger are all called, in registration order.
 */
export class Signal<T = void> {
  private waiters: Array<(value: T) => void> = [];
  private _triggered = false;
  private _value: T | undefined;
  readonly name: string;

  constructor(name = 'signal') {
    this.name = name;
  }

  get triggered(): boolean {
    return this._triggered;
  }

  get value(): T | undefined {
    return this._value;
  }

  trigger(value: T): void {
    if (this._triggered) throw new Error(`signal ${this.name} triggered twice`);
    this._triggered = true;
    this._value = value;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w(value);
  }

  /** Call `fn` when triggered (at once, synchronously, if it already was). */
  then(fn: (value: T) => void): void {
    if (this._triggered) fn(this._value as T);
    else this.waiters.push(fn);
  }
}
