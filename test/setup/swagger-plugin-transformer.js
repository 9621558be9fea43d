// ts-jest's face for the @nestjs/swagger compiler plugin, with the options nest-cli.json gives it,
// so that the tests see the same OpenAPI metadata as `nest build`.
const transformer = require('@nestjs/swagger/plugin');
const { compilerOptions } = require('../../nest-cli.json');

const { options } = compilerOptions.plugins.find((plugin) => plugin.name === '@nestjs/swagger');

module.exports.name = 'nestjs-swagger-transformer';
// Part of ts-jest's cache key: a change of the plugin options must not reuse stale output.
module.exports.version = `1-${JSON.stringify(options)}`;
module.exports.factory = (compiler) => transformer.before(options, compiler.program);
