/**
 * Real-world packages from the team corpus (../shared/corpus, see its INDEX.md) through the whole read-only
 * pipeline, as an administrator's upload would go: zip the folder (manifest at the zip root) -> inspect ->
 * detect -> read manifest -> parse with the package's files -> findings. Needs no emulator; skipped with a
 * message when the corpus is absent (a fresh clone has no ../shared).
 */
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { inspectArchive, readArchiveText } from '../../shared/content/archive.ts';
import { type Finding, PackageRejectedError } from '../../shared/content/findings.ts';
import { DEFAULT_PACKAGE_LIMITS } from '../../shared/content/limits.ts';
import {
  detectPackageKind,
  hasErrors,
  type ParsedPackage,
  parseManifest,
  validatePackage,
} from '../../shared/content/manifest.ts';

const projectRoot = resolve(import.meta.dirname, '..', '..');
const corpus = resolve(projectRoot, '..', 'shared', 'corpus');
const corpusPresent = existsSync(join(corpus, 'INDEX.md'));
if (!corpusPresent) {
  console.warn(`corpus-packages: no corpus at ${corpus}; the real-world package tests are skipped`);
}
const describeCorpus = corpusPresent ? describe : describe.skip;

let workDir = '';

/** Every file under `folder`, as package paths relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path).map((nested) => `${name}/${nested}`) : [name];
  });
}

/** Zips a corpus folder the way an administrator's tool would: its contents at the zip root. */
async function zipFolder(folder: string): Promise<string> {
  const zip = new ZipFile();
  for (const path of filesUnder(folder)) zip.addFile(join(folder, path), path);
  zip.end();
  const target = join(workDir, `${relative(corpus, folder).replaceAll('/', '__')}.zip`);
  await pipeline(zip.outputStream, createWriteStream(target));
  return target;
}

type PipelineOutcome =
  | { stage: 'archive' | 'detect'; rejection: PackageRejectedError }
  | { stage: 'parsed'; parsed: ParsedPackage | null; findings: Finding[] };

/** inspect -> detect -> read manifest -> parse with files; manifest problems come back as findings. */
async function runPipeline(zipPath: string): Promise<PipelineOutcome> {
  const limits = DEFAULT_PACKAGE_LIMITS;
  let paths: string[];
  try {
    paths = (await inspectArchive(zipPath, limits)).files.map((file) => file.path);
  } catch (error) {
    if (error instanceof PackageRejectedError) return { stage: 'archive', rejection: error };
    throw error;
  }
  let detected: ReturnType<typeof detectPackageKind>;
  try {
    detected = detectPackageKind(paths);
  } catch (error) {
    if (error instanceof PackageRejectedError) return { stage: 'detect', rejection: error };
    throw error;
  }
  const text = await readArchiveText(zipPath, detected.manifestPath, limits.maxManifestBytes);
  const { parsed, findings } = validatePackage(detected.kind, detected.manifestPath, text, new Set(paths));
  return { stage: 'parsed', parsed, findings };
}

async function parsedFolder(folder: string): Promise<{ parsed: ParsedPackage | null; findings: Finding[] }> {
  const outcome = await runPipeline(await zipFolder(join(corpus, folder)));
  if (outcome.stage !== 'parsed')
    throw new Error(`${folder}: ${outcome.rejection.code}: ${outcome.rejection.message}`);
  return outcome;
}

function errorCodes(findings: Finding[]): string[] {
  return findings.filter((finding) => finding.severity === 'error').map((finding) => finding.code);
}

describeCorpus('real-world packages from the corpus', () => {
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'corpus-packages-'));
  });
  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  describe('valid SCORM and cmi5 packages', () => {
    it.each([
      {
        folder: 'scorm/scorm12/ContentPackagingSingleSCO_SCORM12',
        standard: 'scorm12',
        title: 'Golf Explained - CP Single SCO',
        launch: 'shared/launchpage.html',
        item: 'item_1',
        scoCount: 1,
        hasSequencing: false,
      },
      {
        folder: 'scorm/scorm12/RuntimeBasicCalls_SCORM12',
        standard: 'scorm12',
        title: 'Golf Explained - Run-time Basic Calls',
        launch: 'shared/launchpage.html',
        item: 'item_1',
        scoCount: 1,
        hasSequencing: false,
      },
      {
        // The first launchable leaf is four levels down; a later module's item must not win.
        folder: 'scorm/scorm12/LaunchUrlFromNestedItem_SCORM12',
        standard: 'scorm12',
        title: 'Launch URL From Nested Item Test',
        launch: 'content/topic1.html',
        item: 'topic_1_1_1_1',
        scoCount: 2,
        hasSequencing: false,
      },
      {
        folder: 'scorm/scorm2004/ContentPackagingSingleSCO_SCORM20043rdEdition',
        standard: 'scorm2004-3rd',
        title: 'Golf Explained - CP Single SCO',
        launch: 'shared/launchpage.html',
        item: 'item_1',
        scoCount: 1,
        hasSequencing: false,
      },
      {
        // The launch resource's href carries its own query string.
        folder: 'scorm/scorm2004/SequencingSimpleRemediation_SCORM20043rdEdition',
        standard: 'scorm2004-3rd',
        title: 'Golf Explained - Simple Remediation',
        launch: 'shared/launchpage.html?content=playing',
        item: 'playing_item',
        scoCount: 5,
        hasSequencing: true,
      },
      {
        folder: 'scorm/scorm2004/SequencingPostTestRollup4thEd_SCORM20044thEdition',
        standard: 'scorm2004-4th',
        title: 'Golf Explained - 4th Edition Features',
        launch: 'shared/launchpage.html?content=playing',
        item: 'playing_item',
        scoCount: 5,
        hasSequencing: true,
      },
      {
        folder: 'cmi5/single_au_basic_responsive',
        standard: 'cmi5',
        title: 'Introduction to Geology - Responsive Style',
        launch: 'index.html',
        item: 'https://w3id.org/xapi/cmi5/catapult/lts/course/geology-intro-single-au-basic-responsive/1',
        scoCount: 1,
        hasSequencing: false,
      },
      {
        folder: 'cmi5/multi_au_framed',
        standard: 'cmi5',
        title: 'Introduction to Geology - Multi AU at Root',
        launch: 'index.html?pages=1&complete=launch',
        item: 'https://w3id.org/xapi/cmi5/catapult/lts/course/geology-intro-multi-au-framed/1',
        scoCount: 8,
        hasSequencing: false,
      },
    ])('$folder: $standard, launches $launch, $scoCount SCO/AU', async (expected) => {
      // Act
      const { parsed, findings } = await parsedFolder(expected.folder);

      // Assess
      expect(errorCodes(findings), JSON.stringify(findings, null, 1)).toEqual([]);
      expect(hasErrors(findings)).toBe(false);
      expect(parsed).toMatchObject({
        standard: expected.standard,
        title: expected.title,
        scoCount: expected.scoCount,
        hasSequencing: expected.hasSequencing,
        launch: { url: expected.launch, itemIdentifier: expected.item },
      });
    });

    it('cmi5/multi_au_framed: eight AUs in course order, the quiz last with CompletedAndPassed', async () => {
      const { parsed } = await parsedFolder('cmi5/multi_au_framed');
      expect(parsed?.aus?.map((au) => au.url.split('?')[1])).toEqual([
        'pages=1&complete=launch',
        'pages=2&complete=launch',
        'pages=3&complete=launch',
        'pages=4&complete=launch',
        'pages=5&complete=launch',
        'pages=6&complete=launch',
        'pages=7&complete=launch',
        'pages=quiz&complete=quiz',
      ]);
      expect(parsed?.aus?.at(-1)).toMatchObject({
        title: 'Quiz',
        moveOn: 'CompletedAndPassed',
        launchMethod: 'AnyWindow',
      });
    });

    it('scorm2004/MinimalValid: a valid manifest (manifest only); with files on, only its launch file is missing', async () => {
      // Manifest-only, as the INDEX describes it: no file checks.
      const text = readFileSync(
        join(corpus, 'scorm/scorm2004/MinimalValid_SCORM20043rdEdition/imsmanifest.xml'),
        'utf8',
      );
      const manifestOnly = parseManifest('scorm', text);
      expect(manifestOnly.findings).toEqual([]);
      expect(manifestOnly).toMatchObject({
        standard: 'scorm2004-3rd',
        title: 'Minimal Course',
        launch: { url: 'index.html', itemIdentifier: 'item1', resourceIdentifier: 'res1' },
        // Its resource has no adlcp:scormType: an asset launch, not a SCO.
        scoCount: 0,
      });

      // Through the pipeline the folder really has no index.html.
      const { findings } = await parsedFolder('scorm/scorm2004/MinimalValid_SCORM20043rdEdition');
      expect(findings.filter((finding) => finding.severity === 'error')).toMatchObject([
        { code: 'missing-launch-file', file: 'index.html' },
      ]);
    });

    it('cmi5/simple-cmi5.xml (manifest only): valid, launching an absolute URL with a warning', () => {
      const parsed = parseManifest('cmi5', readFileSync(join(corpus, 'cmi5/simple-cmi5.xml'), 'utf8'));
      expect(errorCodes(parsed.findings)).toEqual([]);
      expect(parsed).toMatchObject({
        standard: 'cmi5',
        title: 'Introduction to Geology',
        identifier: 'http://course-repository.example.edu/identifiers/courses/02baafcf',
        scoCount: 1,
        launch: {
          url: 'http://course-repository.example.edu/identifiers/courses/02baafcf/aus/4c07/launch.html',
        },
      });
      // moveOn and launchMethod are absent: the schema defaults apply.
      expect(parsed.aus?.[0]).toMatchObject({ moveOn: 'NotApplicable', launchMethod: 'AnyWindow' });
      expect(parsed.findings.map((finding) => finding.code)).toEqual(['external-url']);
    });
  });

  describe('invalid SCORM packages', () => {
    it('MalformedXml_SCORM12: malformed-xml with the line and column', async () => {
      const { parsed, findings } = await parsedFolder('scorm/scorm12/MalformedXml_SCORM12');
      expect(parsed).toBeNull();
      expect(findings).toMatchObject([{ severity: 'error', code: 'malformed-xml', file: 'imsmanifest.xml' }]);
      expect(findings[0]?.message).toMatch(/line 27, column \d+/);
    });

    it('MissingLaunchUrl_SCORM12: missing-launch-file for the resource without href', async () => {
      const { parsed, findings } = await parsedFolder('scorm/scorm12/MissingLaunchUrl_SCORM12');
      expect(errorCodes(findings)).toEqual(['missing-launch-file']);
      expect(findings[0]?.element).toBe('resource[identifier=resource_1]/@href');
      expect(parsed?.launch).toBeNull();
    });

    it('ItemWithNonExistentResourceId_SCORM12: dangling-identifierref naming the item and the reference', async () => {
      const { parsed, findings } = await parsedFolder('scorm/scorm12/ItemWithNonExistentResourceId_SCORM12');
      expect(errorCodes(findings)).toEqual(['dangling-identifierref']);
      expect(findings[0]?.message).toContain('"item_1"');
      expect(findings[0]?.message).toContain('"non_existent_resource"');
      // The launch skips the broken item: the manifest's own comment says item_2 is the launch.
      expect(parsed?.launch).toMatchObject({ url: 'content/item2.html', itemIdentifier: 'item_2' });
    });

    it('InvalidFileReferences_SCORM12: every missing path named (launch file: error; listed files: warnings)', async () => {
      const { findings } = await parsedFolder('scorm/scorm12/InvalidFileReferences_SCORM12');
      const warned = findings.filter((finding) => finding.code === 'file-missing');
      expect(warned.every((finding) => finding.severity === 'warning')).toBe(true);
      expect(warned.map((finding) => finding.file).sort()).toEqual([
        'content/nonexistent.css',
        'content/nonexistent.js',
        'content/nonexistent_asset.html',
      ]);
      for (const finding of warned) expect(finding.message).toContain(`"${finding.file}"`);
      // The SCO's own launch file is missing too: the course could not start, so that one blocks.
      expect(findings.filter((finding) => finding.severity === 'error')).toMatchObject([
        { code: 'missing-launch-file', file: 'content/nonexistent.html' },
      ]);
    });

    it('InvalidMissingOrgIdentifier_SCORM20043rdEdition: missing-organization-identifier', async () => {
      const text = readFileSync(
        join(corpus, 'scorm/scorm2004/InvalidMissingOrgIdentifier_SCORM20043rdEdition/imsmanifest.xml'),
        'utf8',
      );
      expect(errorCodes(parseManifest('scorm', text).findings)).toEqual(['missing-organization-identifier']);
      const { findings } = await parsedFolder(
        'scorm/scorm2004/InvalidMissingOrgIdentifier_SCORM20043rdEdition',
      );
      expect(errorCodes(findings)).toContain('missing-organization-identifier');
      expect(findings.find((finding) => finding.code === 'missing-organization-identifier')?.element).toBe(
        'organizations/organization[1]',
      );
    });
  });

  describe('zips as Moodle tests them (scorm/zips)', () => {
    const zip = (name: string) => join(corpus, 'scorm', 'zips', name);

    it('singlescobasic.zip: valid SCORM 1.2, one SCO', async () => {
      const outcome = await runPipeline(zip('singlescobasic.zip'));
      if (outcome.stage !== 'parsed') throw outcome.rejection;
      expect(errorCodes(outcome.findings)).toEqual([]);
      expect(outcome.parsed).toMatchObject({
        standard: 'scorm12',
        scoCount: 1,
        title: 'Golf Explained - Run-time Basic Calls',
        launch: { url: 'shared/launchpage.html' },
      });
    });

    it('RuntimeBasicCalls_SCORM20043rdEdition.zip: valid SCORM 2004 3rd edition with sequencing', async () => {
      const outcome = await runPipeline(zip('RuntimeBasicCalls_SCORM20043rdEdition.zip'));
      if (outcome.stage !== 'parsed') throw outcome.rejection;
      expect(errorCodes(outcome.findings)).toEqual([]);
      expect(outcome.parsed).toMatchObject({
        standard: 'scorm2004-3rd',
        scoCount: 1,
        hasSequencing: true,
        launch: { url: 'shared/launchpage.html', itemIdentifier: 'item_1' },
      });
    });

    it('badscorm.zip: the manifest is in a folder, not at the root', async () => {
      const outcome = await runPipeline(zip('badscorm.zip'));
      expect(outcome.stage).toBe('detect');
      if (outcome.stage === 'parsed') return;
      expect(outcome.rejection.code).toBe('manifest-not-at-root');
      expect(outcome.rejection.message).toContain('"badscorm/imsmanifest.xml"');
    });

    it('invalid.zip: no manifest at all', async () => {
      const outcome = await runPipeline(zip('invalid.zip'));
      if (outcome.stage === 'parsed') throw new Error('invalid.zip was accepted');
      expect(outcome.rejection.code).toBe('no-manifest');
      expect(outcome.rejection.message).toBe('no imsmanifest.xml / cmi5.xml / tincan.xml at package root');
    });

    it('validaicc.zip: AICC is detected and refused', async () => {
      const outcome = await runPipeline(zip('validaicc.zip'));
      if (outcome.stage === 'parsed') throw new Error('validaicc.zip was accepted');
      expect(outcome.rejection.code).toBe('aicc-not-supported');
      expect(outcome.rejection.message).toContain('AICC is not supported');
    });
  });

  describe('ADL SCORM 2004 4th Edition conformance manifests (adl-cts)', () => {
    it('parses all 189 LMSTestPackage_* manifests with no error (file checks off)', () => {
      // Prepare
      const folders = readdirSync(join(corpus, 'adl-cts'))
        .filter((name) => name.startsWith('LMSTestPackage_'))
        .sort();

      // Act
      const failures: string[] = [];
      const standards = new Set<string>();
      let withLaunch = 0;
      for (const folder of folders) {
        const text = readFileSync(join(corpus, 'adl-cts', folder, 'imsmanifest.xml'), 'utf8');
        const { parsed, findings } = validatePackage('scorm', 'imsmanifest.xml', text, undefined);
        const errors = findings.filter((finding) => finding.severity === 'error');
        if (errors.length > 0) failures.push(`${folder}: ${errors.map((error) => error.message).join('; ')}`);
        if (parsed) standards.add(parsed.standard);
        if (parsed?.launch) withLaunch += 1;
      }

      // Assess
      expect(folders).toHaveLength(189);
      expect(failures, `manifests with errors:\n${failures.join('\n')}`).toEqual([]);
      expect([...standards]).toEqual(['scorm2004-4th']);
      expect(withLaunch).toBe(189);
    });

    it('reads xml:base and item parameters into the launch URL (LMSTestPackage_CM-01)', () => {
      const text = readFileSync(join(corpus, 'adl-cts', 'LMSTestPackage_CM-01', 'imsmanifest.xml'), 'utf8');
      const parsed = parseManifest('scorm', text);
      expect(parsed.launch).toEqual({
        url: 'resources/SequencingTest.htm?tc=CM-01&act=1',
        itemIdentifier: 'activity_1',
        resourceIdentifier: 'SEQ01',
      });
      expect(parsed.organizations[0]?.items[1]?.masteryScore).toBe(0.8);
      expect(parsed.resources.find((resource) => resource.identifier === 'JAR01')?.files).toEqual([
        'common/LMSTest.jar',
      ]);
    });
  });
});
