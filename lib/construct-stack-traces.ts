import { Node } from 'constructs';

type AddMetadata = (
  type: string,
  data: unknown,
  options?: { stackTrace?: boolean; traceFromFunction?: unknown },
) => void;

/**
 * Runs `build` with construct stack traces on: cdktf asks every resource for a "stacktrace" metadata entry but
 * never passes `stackTrace: true`, so `//.metadata.stackTrace` in cdk.tf.json stays empty. While `build` runs,
 * that entry records where the resource was created (with --enable-source-maps the frames name the .ts files,
 * which the gate's SARIF points at). The prototype is restored when `build` returns, so nothing outside the
 * app builder is affected. Used only by main.ts's `buildApp({ stackTraces: true })`.
 */
export function withConstructStackTraces<T>(build: () => T): T {
  const proto = Node.prototype as unknown as { addMetadata: AddMetadata };
  const original = proto.addMetadata;
  const traced: AddMetadata = function (this: Node, type, data, options = {}) {
    if (type === 'stacktrace' && options.stackTrace === undefined) {
      return original.call(this, type, data, { ...options, stackTrace: true, traceFromFunction: traced });
    }
    return original.call(this, type, data, options);
  };
  proto.addMetadata = traced;
  try {
    return build();
  } finally {
    proto.addMetadata = original;
  }
}
