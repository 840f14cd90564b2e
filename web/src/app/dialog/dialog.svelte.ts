/**
 * In-page questions instead of the browser's confirm(): one question at a time, shown by
 * DialogHost.svelte (a modal <dialog>, so focus stays in it and Escape answers "cancel"). `ask`
 * resolves with the value of the answer chosen, or with `cancel` when the dialog is dismissed.
 */
export interface Answer<T> {
  label: string;
  value: T;
  /** The answer the dialog suggests (styled as the primary button, focused first). */
  primary?: boolean;
  /** An answer that loses work (styled in the danger colour). */
  danger?: boolean;
}

export interface Question<T> {
  title: string;
  body: string;
  answers: Answer<T>[];
  /** What Escape (or closing the dialog) answers. */
  cancel: T;
}

interface Pending {
  question: Question<unknown>;
  resolve: (value: unknown) => void;
}

class Dialogs {
  current: Pending | null = $state.raw(null);
  private queue: Pending[] = [];

  ask<T>(question: Question<T>): Promise<T> {
    return new Promise<T>((resolve) => {
      const pending: Pending = { question: question as Question<unknown>, resolve: resolve as (value: unknown) => void };
      if (this.current) this.queue.push(pending);
      else this.current = pending;
    });
  }

  answer(value: unknown): void {
    const done = this.current;
    this.current = this.queue.shift() ?? null;
    done?.resolve(value);
  }
}

export const dialogs = new Dialogs();
