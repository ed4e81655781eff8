import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/content/findings.ts';
import { PackageRejectedError } from '../../../shared/content/findings.ts';
import {
  detectPackageKind,
  hasErrors,
  NO_MANIFEST_MESSAGE,
  parseManifest,
  rejectionFor,
  validatePackage,
} from '../../../shared/content/manifest.ts';
import { classifySchemaVersion } from '../../../shared/content/scorm.ts';

function detectionError(paths: string[]): PackageRejectedError {
  try {
    detectPackageKind(paths);
  } catch (error) {
    if (error instanceof PackageRejectedError) return error;
    throw error;
  }
  throw new Error('expected detection to fail');
}

function codes(findings: Finding[], severity?: Finding['severity']): string[] {
  return findings
    .filter((finding) => !severity || finding.severity === severity)
    .map((finding) => finding.code);
}

const NS12 = `xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"`;
const NS2004 = `xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss" xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"`;

function manifest12(organizations: string, resources: string, schemaversion = '1.2'): string {
  return `<?xml version="1.0"?>
<manifest identifier="M12" version="1" ${NS12}>
  <metadata><schema>ADL SCORM</schema><schemaversion>${schemaversion}</schemaversion></metadata>
  ${organizations}
  <resources>${resources}</resources>
</manifest>`;
}

describe('detectPackageKind', () => {
  it('finds the manifest at the root, ignoring case, and reports the real path', () => {
    expect(detectPackageKind(['index.html', 'IMSManifest.XML'])).toEqual({
      kind: 'scorm',
      manifestPath: 'IMSManifest.XML',
    });
    expect(detectPackageKind(['cmi5.xml', 'au/index.html'])).toEqual({
      kind: 'cmi5',
      manifestPath: 'cmi5.xml',
    });
    expect(detectPackageKind(['tincan.xml', 'story.html'])).toEqual({
      kind: 'xapi',
      manifestPath: 'tincan.xml',
    });
  });

  it('prefers cmi5.xml, then imsmanifest.xml, then tincan.xml when several are at the root', () => {
    expect(detectPackageKind(['tincan.xml', 'imsmanifest.xml', 'cmi5.xml']).kind).toBe('cmi5');
    expect(detectPackageKind(['tincan.xml', 'imsmanifest.xml']).kind).toBe('scorm');
  });

  it('rejects a manifest in a folder, naming where it is', () => {
    const error = detectionError(['course/imsmanifest.xml', 'course/index.html', 'deeper/x/cmi5.xml']);
    expect(error.code).toBe('manifest-not-at-root');
    expect(error.message).toContain('"course/imsmanifest.xml"');
    expect(error.message).toContain('"course/"');
    expect(error.findings[0]?.file).toBe('course/imsmanifest.xml');
  });

  it('rejects AICC courses with a clear message', () => {
    const error = detectionError(['course.crs', 'course.au', 'course.des', 'course.cst', 'index.html']);
    expect(error.code).toBe('aicc-not-supported');
    expect(error.message).toBe('AICC is not supported; export the course as SCORM or cmi5');
  });

  it('rejects a package without any manifest with the exact message', () => {
    const error = detectionError(['index.html', 'story.js']);
    expect(error.code).toBe('no-manifest');
    expect(error.message).toBe('no imsmanifest.xml / cmi5.xml / tincan.xml at package root');
    expect(NO_MANIFEST_MESSAGE).toBe(error.message);
  });
});

describe('SCORM version detection', () => {
  it.each([
    ['1.2', 'scorm12'],
    ['SCORM 1.2', 'scorm12'],
    ['CAM 1.3', 'scorm2004-2nd'],
    ['1.3', 'scorm2004-2nd'],
    ['2004 3rd Edition', 'scorm2004-3rd'],
    ['2004 3rd edition', 'scorm2004-3rd'],
    ['SCORM 2004 4th Edition', 'scorm2004-4th'],
    ['2004 2nd Edition', 'scorm2004-2nd'],
    ['SCORM 2004', 'scorm2004'],
    ['ADL SCORM', undefined],
    ['', undefined],
  ])('classifies <schemaversion>%s</schemaversion> as %s', (value, expected) => {
    expect(classifySchemaVersion(value)).toBe(expected);
  });

  const org = `<organizations default="O"><organization identifier="O"><title>T</title>
    <item identifier="I" identifierref="R"><title>I</title></item></organization></organizations>`;
  const res2004 = `<resource identifier="R" type="webcontent" adlcp:scormType="sco" href="a.html"/>`;

  it('uses the namespaces when there is no schemaversion: 2004 3rd by default, 4th with 4th-edition markup', () => {
    const third = parseManifest(
      'scorm',
      `<manifest identifier="M" ${NS2004}>${org}<resources>${res2004}</resources></manifest>`,
    );
    expect(third.standard).toBe('scorm2004-3rd');
    expect(codes(third.findings)).toContain('scorm-version-unknown');

    const withSharedData = org.replace(
      '<title>I</title>',
      '<title>I</title><adlcp:data><adlcp:map targetID="notes"/></adlcp:data>',
    );
    const fourth = parseManifest(
      'scorm',
      `<manifest identifier="M" ${NS2004}>${withSharedData}<resources>${res2004}</resources></manifest>`,
    );
    expect(fourth.standard).toBe('scorm2004-4th');
  });

  it('lets the namespaces win over a contradicting schemaversion, with a warning', () => {
    const parsed = parseManifest(
      'scorm',
      `<manifest identifier="M" ${NS2004}><metadata><schemaversion>1.2</schemaversion></metadata>${org}
       <resources>${res2004}</resources></manifest>`,
    );
    expect(parsed.standard).toBe('scorm2004-3rd');
    expect(codes(parsed.findings, 'warning')).toContain('scorm-version-conflict');
  });

  it('defaults to SCORM 1.2 with a warning when nothing says which version', () => {
    const parsed = parseManifest(
      'scorm',
      `<manifest identifier="M">${org}<resources><resource identifier="R" href="a.html"/></resources></manifest>`,
    );
    expect(parsed.standard).toBe('scorm12');
    expect(codes(parsed.findings)).toContain('scorm-version-unknown');
  });
});

describe('parseManifest: SCORM 1.2', () => {
  const xml = manifest12(
    `<organizations default="ORG">
      <organization identifier="ORG">
        <title>Fire Safety</title>
        <item identifier="MODULE" isvisible="false">
          <title>Module 1</title>
          <item identifier="LESSON1" identifierref="SCO1" parameters="?lesson=1">
            <title>Lesson 1</title>
            <adlcp:masteryscore>80</adlcp:masteryscore>
            <adlcp:prerequisites type="aicc_script">INTRO</adlcp:prerequisites>
            <adlcp:datafromlms>mode=quiz</adlcp:datafromlms>
            <adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>
            <adlcp:timelimitaction>exit,message</adlcp:timelimitaction>
          </item>
        </item>
      </organization>
    </organizations>`,
    `<resource identifier="SCO1" type="webcontent" adlcp:scormtype="sco" href="launch.html?from=lms" xml:base="lesson1/">
       <file href="launch.html"/><file href="media/clip.swf"/><dependency identifierref="COMMON"/>
     </resource>
     <resource identifier="COMMON" type="webcontent" adlcp:scormtype="asset">
       <file href="shared/api.js"/><file href="shared/style.css"/>
     </resource>`,
  );
  const files = new Set([
    'imsmanifest.xml',
    'lesson1/launch.html',
    'lesson1/media/clip.swf',
    'shared/api.js',
  ]);

  it('reads the organization tree, items and resources', () => {
    // Act
    const parsed = parseManifest('scorm', xml, { files });

    // Assess
    expect(parsed.standard).toBe('scorm12');
    expect(parsed.title).toBe('Fire Safety');
    expect(parsed.identifier).toBe('M12');
    expect(parsed.defaultOrganization).toBe('ORG');
    const module = parsed.organizations[0]?.items[0];
    expect(module).toMatchObject({ identifier: 'MODULE', isvisible: false, title: 'Module 1' });
    expect(module?.children[0]).toMatchObject({
      identifier: 'LESSON1',
      identifierref: 'SCO1',
      parameters: '?lesson=1',
      masteryScore: 0.8,
      prerequisites: 'INTRO',
      dataFromLms: 'mode=quiz',
      maxTimeAllowed: '00:30:00',
      timeLimitAction: 'exit,message',
    });
    expect(parsed.resources[0]).toMatchObject({
      identifier: 'SCO1',
      scormType: 'sco',
      href: 'launch.html?from=lms',
      xmlBase: 'lesson1/',
      files: ['lesson1/launch.html', 'lesson1/media/clip.swf'],
      dependencies: ['COMMON'],
    });
    expect(parsed.scoCount).toBe(1);
    expect(parsed.hasSequencing).toBe(false);
  });

  it('launches the first leaf with xml:base and item parameters applied', () => {
    const parsed = parseManifest('scorm', xml, { files });
    expect(parsed.launch).toEqual({
      url: 'lesson1/launch.html?from=lms&lesson=1',
      itemIdentifier: 'LESSON1',
      resourceIdentifier: 'SCO1',
    });
  });

  it('warns (without blocking) about missing and unlisted files, Flash and the 1.2 suspend_data limit', () => {
    const noise = [
      '__MACOSX/._imsmanifest.xml',
      '.DS_Store',
      'lesson1/Thumbs.db',
      'schemas/imscp_rootv1p1p2.xsd',
    ];
    const parsed = parseManifest('scorm', xml, { files: new Set([...files, 'extra/notes.txt', ...noise]) });
    expect(hasErrors(parsed.findings)).toBe(false);
    const missing = parsed.findings.filter((finding) => finding.code === 'file-missing');
    expect(missing.map((finding) => finding.file)).toEqual(['shared/style.css']);
    expect(missing[0]?.message).toContain('"shared/style.css"');
    // Schema files and what zip tools add are not expected to be listed.
    expect(
      parsed.findings.filter((finding) => finding.code === 'file-unlisted').map((finding) => finding.file),
    ).toEqual(['extra/notes.txt']);
    expect(parsed.findings.find((finding) => finding.code === 'flash-content')?.message).toContain(
      'lesson1/media/clip.swf',
    );
    expect(codes(parsed.findings).filter((code) => code === 'scorm12-suspend-data-risk')).toHaveLength(1);
  });

  it('summarises many unlisted files in one finding', () => {
    const many = new Set([...files, ...Array.from({ length: 12 }, (_, i) => `extra/file${i}.txt`)]);
    const unlisted = parseManifest('scorm', xml, { files: many }).findings.filter(
      (finding) => finding.code === 'file-unlisted',
    );
    expect(unlisted).toHaveLength(1);
    expect(unlisted[0]?.message).toMatch(/^12 files/);
  });

  it('skips every file check when files are unknown', () => {
    const parsed = parseManifest('scorm', xml);
    expect(codes(parsed.findings).filter((code) => code.startsWith('file-'))).toEqual([]);
  });

  it('reports a dangling identifierref naming the item and the reference', () => {
    const parsed = parseManifest(
      'scorm',
      manifest12(
        `<organizations default="O"><organization identifier="O"><title>T</title>
          <item identifier="ITEM-1" identifierref="NOPE"><title>x</title></item></organization></organizations>`,
        `<resource identifier="R" adlcp:scormtype="sco" href="a.html"/>`,
      ),
    );
    const finding = parsed.findings.find((candidate) => candidate.code === 'dangling-identifierref');
    expect(finding).toMatchObject({
      severity: 'error',
      file: 'imsmanifest.xml',
      element: 'item[identifier=ITEM-1]/@identifierref',
    });
    expect(finding?.message).toContain('"ITEM-1"');
    expect(finding?.message).toContain('"NOPE"');
  });

  it('reports a launch file that is missing, and names a case-only mismatch', () => {
    const parsed = parseManifest(
      'scorm',
      manifest12(
        `<organizations default="O"><organization identifier="O"><title>T</title>
          <item identifier="I" identifierref="R"><title>x</title></item></organization></organizations>`,
        `<resource identifier="R" adlcp:scormtype="sco" href="Index.html"/>`,
      ),
      { files: new Set(['imsmanifest.xml', 'index.html']) },
    );
    const finding = parsed.findings.find((candidate) => candidate.code === 'missing-launch-file');
    expect(finding).toMatchObject({ severity: 'error', file: 'Index.html' });
    expect(finding?.message).toContain('it has "index.html"');
  });

  it('reports a SCO without href, and an item pointing outside the package', () => {
    const parsed = parseManifest(
      'scorm',
      manifest12(
        `<organizations default="O"><organization identifier="O"><title>T</title>
          <item identifier="I1" identifierref="R1"><title>x</title></item>
          <item identifier="I2" identifierref="R2"><title>y</title></item></organization></organizations>`,
        `<resource identifier="R1" adlcp:scormtype="sco"/><resource identifier="R2" adlcp:scormtype="sco" href="../../etc/passwd"/>`,
      ),
    );
    expect(codes(parsed.findings, 'error')).toEqual(['missing-launch-file', 'href-outside-package']);
    expect(parsed.launch).toBeNull();
  });

  it('warns about an external launch URL but still launches it', () => {
    const parsed = parseManifest(
      'scorm',
      manifest12(
        `<organizations default="O"><organization identifier="O"><title>T</title>
          <item identifier="I" identifierref="R"><title>x</title></item></organization></organizations>`,
        `<resource identifier="R" adlcp:scormtype="sco" href="https://cdn.example.com/course/index.html"/>`,
      ),
      { files: new Set(['imsmanifest.xml']) },
    );
    expect(hasErrors(parsed.findings)).toBe(false);
    expect(codes(parsed.findings)).toContain('external-url');
    expect(parsed.launch?.url).toBe('https://cdn.example.com/course/index.html');
  });

  it('requires an organization identifier and unique item identifiers', () => {
    const parsed = parseManifest(
      'scorm',
      manifest12(
        `<organizations><organization><title>T</title>
          <item identifier="I" identifierref="R"><title>x</title></item>
          <item identifier="I" identifierref="R"><title>y</title></item></organization></organizations>`,
        `<resource identifier="R" adlcp:scormtype="sco" href="a.html"/>`,
      ),
    );
    expect(codes(parsed.findings, 'error')).toEqual([
      'missing-organization-identifier',
      'duplicate-identifier',
    ]);
    expect(parsed.findings[0]?.element).toBe('organizations/organization[1]');
  });

  it('launches a resource directly when there is no organization, and refuses when there is nothing', () => {
    const resourceOnly = parseManifest(
      'scorm',
      manifest12('<organizations/>', `<resource identifier="R" adlcp:scormtype="sco" href="start.html"/>`),
    );
    expect(resourceOnly.launch).toEqual({ url: 'start.html', resourceIdentifier: 'R' });
    expect(codes(resourceOnly.findings)).toContain('no-organization');
    const nothing = parseManifest('scorm', manifest12('<organizations/>', '<resource identifier="R"/>'));
    expect(codes(nothing.findings, 'error')).toContain('no-organization-and-no-launchable-resource');
  });

  it('refuses an organization whose items launch nothing', () => {
    const parsed = parseManifest(
      'scorm',
      manifest12(
        `<organizations default="O"><organization identifier="O"><title>T</title>
          <item identifier="FOLDER"><title>x</title></item></organization></organizations>`,
        `<resource identifier="R" adlcp:scormtype="asset" href="a.html"/>`,
      ),
    );
    expect(codes(parsed.findings, 'error')).toEqual(['no-launchable-resource']);
  });

  it('throws for an unreadable manifest; validatePackage reports it as a finding instead', () => {
    expect(() => parseManifest('scorm', '<manifest><organizations></manifest>')).toThrow(
      PackageRejectedError,
    );
    const result = validatePackage(
      'scorm',
      'imsmanifest.xml',
      '<manifest><organizations></manifest>',
      undefined,
    );
    expect(result).toMatchObject({ parsed: null, valid: false });
    expect(codes(result.findings)).toEqual(['malformed-xml']);
  });
});

describe('parseManifest: SCORM 2004', () => {
  const xml = `<?xml version="1.0"?>
<manifest identifier="M2004" version="1" ${NS2004}>
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Golf</title>
      <item identifier="WRAP">
        <title>Wrapper</title>
        <item identifier="QUIZ" identifierref="QUIZ_RES" parameters="quiz=1">
          <title>Quiz</title>
          <imsss:sequencing IDRef="common">
            <imsss:objectives><imsss:primaryObjective satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>0.75</imsss:minNormalizedMeasure>
            </imsss:primaryObjective></imsss:objectives>
          </imsss:sequencing>
        </item>
        <item identifier="REVIEW" identifierref="QUIZ_RES"><title>Review</title>
          <imsss:sequencing IDRef="common"/>
        </item>
      </item>
    </organization>
  </organizations>
  <resources xml:base="content/">
    <resource identifier="QUIZ_RES" type="webcontent" adlcp:scormType="sco" href="quiz.html?mode=test"/>
  </resources>
  <imsss:sequencingCollection>
    <imsss:sequencing ID="common">
      <imsss:limitConditions attemptAbsoluteDurationLimit="PT1H"/>
      <imsss:objectives><imsss:primaryObjective><imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives>
    </imsss:sequencing>
  </imsss:sequencingCollection>
</manifest>`;

  it('reads the edition, sequencing and the mastery score from objectives (own or from the collection)', () => {
    const parsed = parseManifest('scorm', xml, { files: new Set(['imsmanifest.xml', 'content/quiz.html']) });
    expect(parsed.standard).toBe('scorm2004-4th');
    expect(parsed.hasSequencing).toBe(true);
    expect(codes(parsed.findings)).toEqual(['sequencing-present']);
    const [quiz, review] = parsed.organizations[0]?.items[0]?.children ?? [];
    expect(quiz?.masteryScore).toBe(0.75);
    expect(quiz?.maxTimeAllowed).toBe('PT1H');
    expect(review?.masteryScore).toBe(0.6);
    expect(parsed.launch?.url).toBe('content/quiz.html?mode=test&quiz=1');
  });
});

describe('parseManifest: cmi5', () => {
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/course/1">
    <title><langstring lang="en-US">Onboarding</langstring></title>
    <description><langstring lang="en-US">First week</langstring></description>
  </course>
  <au id="https://example.com/course/1/intro" moveOn="Completed" launchMethod="OwnWindow">
    <title><langstring lang="en-US">Intro</langstring></title>
    <description><langstring lang="en-US">d</langstring></description>
    <url>intro/index.html?x=1&amp;y=2</url>
  </au>
  <block id="https://example.com/course/1/block">
    <title><langstring lang="en-US">Part 2</langstring></title>
    <description><langstring lang="en-US">d</langstring></description>
    <au id="https://example.com/course/1/quiz" moveOn="CompletedAndPassed" masteryScore="0.8"
        activityType="http://adlnet.gov/expapi/activities/assessment">
      <title><langstring lang="en-US">Quiz</langstring></title>
      <description><langstring lang="en-US">d</langstring></description>
      <url>https://quiz.example.com/launch</url>
      <launchParameters>{"level":2}</launchParameters>
    </au>
  </block>
</courseStructure>`;

  it('reads the course, blocks and AUs in order, and launches the first AU', () => {
    const parsed = parseManifest('cmi5', xml, { files: new Set(['cmi5.xml', 'intro/index.html']) });
    expect(parsed).toMatchObject({
      standard: 'cmi5',
      title: 'Onboarding',
      identifier: 'https://example.com/course/1',
    });
    expect(parsed.aus).toEqual([
      {
        id: 'https://example.com/course/1/intro',
        title: 'Intro',
        url: 'intro/index.html?x=1&y=2',
        launchMethod: 'OwnWindow',
        moveOn: 'Completed',
        blockIds: [],
      },
      {
        id: 'https://example.com/course/1/quiz',
        title: 'Quiz',
        url: 'https://quiz.example.com/launch',
        launchMethod: 'AnyWindow',
        moveOn: 'CompletedAndPassed',
        masteryScore: 0.8,
        activityType: 'http://adlnet.gov/expapi/activities/assessment',
        launchParameters: '{"level":2}',
        blockIds: ['https://example.com/course/1/block'],
      },
    ]);
    expect(parsed.launch?.url).toBe('intro/index.html?x=1&y=2');
    expect(parsed.scoCount).toBe(2);
    expect(parsed.organizations[0]?.items[1]?.children[0]?.masteryScore).toBe(0.8);
    expect(codes(parsed.findings)).toEqual(['external-url']);
  });

  it('requires relative AU URLs to exist and validates moveOn, launchMethod and masteryScore', () => {
    const broken = xml
      .replace('moveOn="Completed"', 'moveOn="Finished"')
      .replace('launchMethod="OwnWindow"', 'launchMethod="Popup"')
      .replace('masteryScore="0.8"', 'masteryScore="80"');
    const parsed = parseManifest('cmi5', broken, { files: new Set(['cmi5.xml']) });
    expect(codes(parsed.findings, 'error').sort()).toEqual([
      'invalid-au-attribute',
      'invalid-au-attribute',
      'invalid-mastery-score',
      'missing-launch-file',
    ]);
    expect(parsed.findings.find((finding) => finding.code === 'missing-launch-file')?.file).toBe(
      'intro/index.html',
    );
  });

  it('refuses a course structure without AUs', () => {
    const parsed = parseManifest(
      'cmi5',
      `<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
         <course id="c"><title><langstring>T</langstring></title></course></courseStructure>`,
    );
    expect(codes(parsed.findings, 'error')).toEqual(['no-launchable-resource']);
    expect(parsed.launch).toBeNull();
  });
});

describe('parseManifest: xAPI (tincan.xml)', () => {
  it('launches the first activity with a launch element', () => {
    const parsed = parseManifest(
      'xapi',
      `<?xml version="1.0" encoding="utf-8" ?>
<tincan xmlns="http://projecttincan.com/tincan.xsd">
  <activities>
    <activity id="http://example.com/course/obj" type="http://adlnet.gov/expapi/activities/objective">
      <name>Objective</name>
    </activity>
    <activity id="http://example.com/course" type="http://adlnet.gov/expapi/activities/course">
      <name><![CDATA[Safety & You]]></name>
      <launch lang="en-us">story.html</launch>
    </activity>
  </activities>
</tincan>`,
      { files: new Set(['tincan.xml', 'story.html']) },
    );
    expect(parsed).toMatchObject({
      standard: 'xapi',
      title: 'Safety & You',
      identifier: 'http://example.com/course',
      launch: { url: 'story.html', itemIdentifier: 'http://example.com/course' },
      scoCount: 1,
    });
    expect(parsed.findings).toEqual([]);
  });

  it('refuses a tincan.xml without any launch', () => {
    const parsed = parseManifest('xapi', '<tincan><activities><activity id="a"/></activities></tincan>');
    expect(codes(parsed.findings, 'error')).toEqual(['no-launchable-resource']);
  });
});

describe('rejectionFor', () => {
  it('turns error findings into one rejection carrying every finding', () => {
    const findings: Finding[] = [
      { severity: 'warning', code: 'file-missing', message: 'w' },
      { severity: 'error', code: 'dangling-identifierref', message: 'item "A" refers to "B"' },
      { severity: 'error', code: 'missing-launch-file', message: 'm' },
    ];
    const rejection = rejectionFor(findings);
    expect(rejection?.code).toBe('dangling-identifierref');
    expect(rejection?.message).toBe('item "A" refers to "B" (and 1 more problem)');
    expect(rejection?.findings).toHaveLength(3);
    expect(rejectionFor(findings.slice(0, 1))).toBeUndefined();
  });
});
