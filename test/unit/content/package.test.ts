import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectArchive, readArchiveText, storeArchiveFiles } from '../../../shared/content/archive.ts';
import { DEFAULT_PACKAGE_LIMITS } from '../../../shared/content/limits.ts';
import { detectPackageKind, hasErrors, parseManifest } from '../../../shared/content/manifest.ts';
import { analyzePackage } from '../../../shared/content/package.ts';
import { memoryStore, tempFolder, writeZip, zipBytes } from './zip-fixtures.ts';

let folder: { path: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  folder = await tempFolder('package-test');
});
afterAll(async () => {
  await folder.cleanup();
});

const scorm12Manifest = `<?xml version="1.0" standalone="no" ?>
<manifest identifier="com.example.fire.12" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Fire Safety</title>
      <item identifier="item_1" identifierref="sco_1"><title>Fire Safety</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco_1" type="webcontent" adlcp:scormtype="sco" href="shared/launch.html">
      <file href="shared/launch.html"/>
      <file href="shared/api.js"/>
    </resource>
  </resources>
</manifest>`;

const scorm2004Manifest = `<?xml version="1.0"?>
<manifest identifier="com.example.fire.2004" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 3rd Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Fire Safety 2004</title>
      <item identifier="chapter"><title>Chapter</title>
        <item identifier="page_1" identifierref="page" parameters="?p=1"><title>Page 1</title></item>
        <item identifier="page_2" identifierref="page" parameters="?p=2"><title>Page 2</title></item>
      </item>
      <imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="page" type="webcontent" adlcp:scormType="sco" href="index.html" xml:base="content/">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>`;

describe('a generated package, end to end', () => {
  it('SCORM 1.2: inspect -> detect -> read manifest -> parse -> store', async () => {
    // Prepare
    const zipPath = await writeZip(
      folder.path,
      'scorm12.zip',
      await zipBytes([
        { name: 'imsmanifest.xml', data: scorm12Manifest },
        { name: 'shared/', directory: true },
        { name: 'shared/launch.html', data: '<!doctype html><title>Fire</title>' },
        { name: 'shared/api.js', data: 'window.API = window.parent.API;' },
      ]),
    );

    // Act
    const inventory = await inspectArchive(zipPath, DEFAULT_PACKAGE_LIMITS);
    const { kind, manifestPath } = detectPackageKind(inventory.files.map((file) => file.path));
    const text = await readArchiveText(zipPath, manifestPath, DEFAULT_PACKAGE_LIMITS.maxManifestBytes);
    const parsed = parseManifest(kind, text, { files: new Set(inventory.files.map((file) => file.path)) });
    const { files, store } = memoryStore();
    const stored = await storeArchiveFiles(zipPath, DEFAULT_PACKAGE_LIMITS, store, { concurrency: 8 });

    // Assess
    expect(kind).toBe('scorm');
    expect(parsed).toMatchObject({ standard: 'scorm12', title: 'Fire Safety', scoCount: 1 });
    expect(parsed.launch).toEqual({
      url: 'shared/launch.html',
      itemIdentifier: 'item_1',
      resourceIdentifier: 'sco_1',
    });
    expect(hasErrors(parsed.findings)).toBe(false);
    expect(stored.map((file) => file.path).sort()).toEqual([
      'imsmanifest.xml',
      'shared/api.js',
      'shared/launch.html',
    ]);
    expect(files.get('shared/launch.html')?.toString()).toContain('<title>Fire</title>');
  });

  it('SCORM 2004: analyzePackage gives the launch of the first leaf, then it is stored', async () => {
    // Prepare
    const zipPath = await writeZip(
      folder.path,
      'scorm2004.zip',
      await zipBytes([
        { name: 'imsmanifest.xml', data: scorm2004Manifest },
        { name: 'content/index.html', data: '<!doctype html><title>Page</title>' },
        { name: 'imscp_v1p1.xsd', data: '<xs:schema/>' },
      ]),
    );

    // Act
    const analysis = await analyzePackage(zipPath, DEFAULT_PACKAGE_LIMITS);
    const { files, store } = memoryStore();
    await storeArchiveFiles(zipPath, DEFAULT_PACKAGE_LIMITS, store, { concurrency: 8 });

    // Assess
    expect(analysis.valid).toBe(true);
    expect(analysis.parsed).toMatchObject({
      standard: 'scorm2004-3rd',
      title: 'Fire Safety 2004',
      hasSequencing: true,
      launch: { url: 'content/index.html?p=1', itemIdentifier: 'page_1', resourceIdentifier: 'page' },
    });
    expect(analysis.findings.map((finding) => finding.code)).toEqual(['sequencing-present']);
    expect(files.get('content/index.html')?.toString()).toBe('<!doctype html><title>Page</title>');
  });

  it('reports manifest problems as findings, not exceptions', async () => {
    const zipPath = await writeZip(
      folder.path,
      'broken.zip',
      await zipBytes([
        {
          name: 'imsmanifest.xml',
          data: scorm12Manifest.replace('href="shared/launch.html">', 'href="missing.html">'),
        },
        { name: 'shared/launch.html', data: 'x' },
        { name: 'shared/api.js', data: 'y' },
      ]),
    );
    const analysis = await analyzePackage(zipPath, DEFAULT_PACKAGE_LIMITS);
    expect(analysis.valid).toBe(false);
    expect(analysis.findings.find((finding) => finding.severity === 'error')).toMatchObject({
      code: 'missing-launch-file',
      file: 'missing.html',
    });
  });
});
