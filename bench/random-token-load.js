#!/usr/bin/env node
/**
 * One autocannon load in its own process, presenting a token drawn at random for every request
 * (real gateway traffic: many callers, caches missed). Arguments: <url> <tokens file, one a line>
 * <connections> <seconds>. Prints autocannon's JSON result.
 */
const { readFileSync } = require('node:fs');
const autocannon = require('autocannon');

const [url, tokensFile, connections, seconds] = process.argv.slice(2);
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
const pick = () => tokens[Math.floor(Math.random() * tokens.length)];

autocannon(
  {
    url,
    connections: Number(connections),
    duration: Number(seconds),
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${pick()}` },
        }),
      },
    ],
  },
  (error, result) => {
    if (error) {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    }
    process.stdout.write(JSON.stringify(result));
  },
);
