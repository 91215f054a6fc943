#!/usr/bin/env node
// Validate APL documents with Amazon's apl-suggester (StaticAplTemplateValidator), offline.
//
//   node tools/apl-check/check.js skill/alexa/apl/stretch.json
//   node tools/apl-check/check.js < directive-or-document.json
//   node tools/apl-check/check.js --json --strip-when a.json b.json
//
// Each input is an APL document, a RenderDocument directive ({document, datasources}) or a
// JSON array of either. Every document is checked as given and, with --strip-when, also as a
// copy with every `when` property removed (the validator does not look inside the branches
// that a data-bound `when` would skip). Prints one line per finding ("ERROR path: message" or
// "WARNING ..."); --json prints one JSON object instead. The validator files every schema
// finding at level WARNING, even an unknown property or a wrong type, so every finding counts
// as an error here: exit status 1 when there is any, 2 when the check itself failed.
'use strict';

const fs = require('fs');
const {StaticAplTemplateValidator} = require('apl-suggester');

// The package logs "No mixin for component : mainTemplate" on every document: noise.
console.warn = () => {};

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const stripWhen = args.includes('--strip-when');
const paths = args.filter((a) => !a.startsWith('--'));

function withoutWhen(value) {
  if (Array.isArray(value)) {
    return value.map(withoutWhen);
  }
  if (value && typeof value === 'object') {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      if (key !== 'when') {
        out[key] = withoutWhen(item);
      }
    }
    return out;
  }
  return value;
}

function units(input, name) {
  const items = Array.isArray(input) ? input : [input];
  return items.map((item, i) => {
    const label = items.length > 1 ? `${name}[${i}]` : name;
    if (item && item.type === 'Alexa.Presentation.APL.RenderDocument') {
      return {label, document: item.document, datasources: item.datasources || {}};
    }
    return {label, document: item, datasources: null};
  });
}

async function check(validator, unit) {
  const findings = [];
  if (!unit.document || typeof unit.document !== 'object' || unit.document.type !== 'APL') {
    findings.push({level: 'ERROR', path: '', message: 'not an APL document (type "APL" expected)'});
    return findings;
  }
  const copies = [['', unit.document]];
  if (stripWhen) {
    copies.push([' (every when removed)', withoutWhen(unit.document)]);
  }
  for (const [suffix, doc] of copies) {
    const results = await validator.validate(JSON.parse(JSON.stringify(doc)));
    for (const r of results) {
      findings.push({level: r.level || 'ERROR', path: r.path, message: r.errorMessage + suffix});
    }
  }
  if (unit.datasources) {
    for (const r of await validator.validateDataSources(unit.datasources)) {
      findings.push({level: r.level || 'ERROR', path: r.path, message: r.errorMessage});
    }
  }
  return findings;
}

async function main() {
  const inputs = paths.length
    ? paths.map((p) => [p, fs.readFileSync(p, 'utf8')])
    : [['<stdin>', fs.readFileSync(0, 'utf8')]];
  const validator = new StaticAplTemplateValidator();
  const report = [];
  for (const [name, text] of inputs) {
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      report.push({label: name, findings: [{level: 'ERROR', path: '', message: `not JSON: ${err.message}`}]});
      continue;
    }
    for (const unit of units(parsed, name)) {
      report.push({label: unit.label, findings: await check(validator, unit)});
    }
  }
  const errors = report.reduce((n, r) => n + r.findings.length, 0);
  if (asJson) {
    process.stdout.write(`${JSON.stringify({checked: report.length, errors, report})}\n`);
  } else {
    for (const r of report) {
      for (const f of r.findings) {
        process.stdout.write(`${r.label}: ${f.level} ${f.path}: ${f.message}\n`);
      }
    }
    process.stdout.write(`${report.length} document(s) checked: ${errors} error(s)\n`);
  }
  process.exitCode = errors ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`apl-check: ${err && err.stack || err}\n`);
  process.exitCode = 2;
});
