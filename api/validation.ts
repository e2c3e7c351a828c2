// Two validators: bodies are validated as sent (no coercion: "true" is not true, 1 is not "1"),
// while path and query strings are coerced to the schema's types as usual.
import AjvModule, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const make = (options: Options) => {
  const ajv = new AjvModule.default({ allErrors: true, removeAdditional: false, useDefaults: true, strict: false, ...options });
  addFormats.default(ajv);
  return ajv;
};

export function installValidation(app: FastifyInstance): void {
  const strict = make({ coerceTypes: false });
  const coercing = make({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}
