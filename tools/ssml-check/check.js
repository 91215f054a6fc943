#!/usr/bin/env node
// Long-lived SSML checker: one JSON string (an SSML document) per line on stdin, one JSON
// result per line on stdout, in the same order. Used by tests/ssml_checks.py.
//
//   echo '"<speak>Hi<break time=\"20s\"/></speak>"' | node tools/ssml-check/check.js
//   {"ok":false,"errors":[{"type":"tag","tag":"break","attribute":"time","value":"20s"}]}
//
// Options: --platform amazon|google|all (default amazon), --locale en-US.
// Inner SSML (no <speak> root) is wrapped in <speak> first, as ask-sdk's speak() does.
'use strict';

const readline = require('readline');
const ssmlCheck = require('ssml-check-core');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > -1 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const options = {platform: option('platform', 'amazon'), locale: option('locale', undefined)};

async function checkLine(line) {
  let ssml;
  try {
    ssml = JSON.parse(line);
  } catch (err) {
    return {ok: false, errors: [{type: 'input', message: `not a JSON line: ${err.message}`}]};
  }
  if (typeof ssml !== 'string') {
    return {ok: false, errors: [{type: 'input', message: 'expected a JSON string'}]};
  }
  const doc = /^\s*<speak[\s>]/.test(ssml) ? ssml : `<speak>${ssml}</speak>`;
  try {
    const errors = await ssmlCheck.check(doc, options);
    return errors && errors.length ? {ok: false, errors} : {ok: true};
  } catch (err) {
    return {ok: false, errors: [{type: 'exception', message: String(err && err.message || err)}]};
  }
}

// Answers go out strictly in input order: each line waits for the one before it.
let queue = Promise.resolve();
readline.createInterface({input: process.stdin, crlfDelay: Infinity}).on('line', (line) => {
  if (!line.trim()) {
    return;
  }
  queue = queue.then(() => checkLine(line)).then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });
});
