// The "build": copies src/ to dist/ with a banner and writes dist/build-info.json, the way a
// bundler's output changes when a source file does.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const src = path.join(__dirname, 'src');
const dist = path.join(__dirname, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist);
const hash = crypto.createHash('sha256');
for (const name of fs.readdirSync(src).sort()) {
  const text = fs.readFileSync(path.join(src, name), 'utf8');
  hash.update(name).update(text);
  fs.writeFileSync(path.join(dist, name), `// built from src/${name}\n${text}`);
}
fs.writeFileSync(
  path.join(dist, 'build-info.json'),
  JSON.stringify({ sources: fs.readdirSync(src).length, sha256: hash.digest('hex') }, null, 2) + '\n'
);
console.log(`built ${fs.readdirSync(src).length} files into dist/`);
