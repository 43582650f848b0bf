// aws-local-stepfunctions (MIT) declares Node >= 22: it calls Promise.withResolvers (Node 22, ES2024),
// the only newer API it uses (checked in its build). On Node 20 the standard's own definition is added
// here, before the interpreter is loaded; on Node 22 and later this does nothing.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export { StateMachine } from 'aws-local-stepfunctions';
