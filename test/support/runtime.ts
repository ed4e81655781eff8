/**
 * Runtime fixtures for e2e tests: a published course with a generated package, a learner enrolled in it,
 * and a launch, all over HTTP as clients do it.
 */
import { expect } from 'vitest';
import { uniqueName } from './actors.ts';
import { api } from './http.ts';
import { zipEntries } from './zip.ts';

/** A SCORM 2004 4th edition manifest of one SCO, with a primary objective's mastery score when given. */
export const SCORM2004_MANIFEST = (launch = 'index.html', minNormalizedMeasure?: number) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.generated2004" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Generated 2004 course</title>
      <item identifier="ITEM-1" identifierref="RES-1"><title>Lesson 1</title>${
        minNormalizedMeasure === undefined
          ? ''
          : `
        <imsss:sequencing><imsss:objectives><imsss:primaryObjective objectiveID="PRIMARY" satisfiedByMeasure="true">
          <imsss:minNormalizedMeasure>${minNormalizedMeasure}</imsss:minNormalizedMeasure>
        </imsss:primaryObjective></imsss:objectives></imsss:sequencing>`
      }</item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-1" type="webcontent" adlcp:scormType="sco" href="${launch}">
      <file href="${launch}"/>
    </resource>
  </resources>
</manifest>`;

/** A page that passes the accessibility gate. */
export const SCO_PAGE = `<!doctype html><html lang="en"><head><title>Lesson 1</title></head>
<body><main><h1>Lesson 1</h1><p>Welcome.</p></main></body></html>`;

/** Imports `files` as a package into a new course, publishes it, and answers the course id. */
export async function publishedCourse(
  admin: string,
  files: Record<string, string>,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const zip = await zipEntries(Object.entries(files).map(([name, data]) => ({ name, data })));
  return publishedCourseOf(admin, zip, fields);
}

/**
 * Imports the zip into a new course and publishes it; a package whose pages fail the accessibility gate
 * (real packages often do) is published with an administrator's waiver.
 */
export async function publishedCourseOf(
  admin: string,
  zip: Buffer,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const created = await api('POST', '/courses', {
    token: admin,
    body: { title: uniqueName('Runtime course'), ...fields },
  });
  expect(created.status, created.text).toBe(201);
  const courseId: string = created.json.id;
  const requested = await api('POST', `/courses/${courseId}/packages`, {
    token: admin,
    body: { fileName: 'package.zip', sizeBytes: zip.length },
  });
  expect(requested.status, requested.text).toBe(202);
  const { job, upload } = requested.json;
  const put = await fetch(upload.url, {
    method: 'PUT',
    headers: { 'content-type': upload.headers['content-type'] },
    body: new Uint8Array(zip),
  });
  expect(put.status).toBe(200);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const polled = await api('GET', `/jobs/${job.id}`, { token: admin });
    if (polled.json.status === 'failed') throw new Error(`package import failed: ${polled.text}`);
    if (polled.json.status === 'succeeded') break;
    if (Date.now() > deadline) throw new Error(`package import still ${polled.json.status}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  let published = await api('POST', `/courses/${courseId}/publish`, { token: admin });
  if (published.status === 422) {
    const waived = await api('POST', `/courses/${courseId}/accessibility-waiver`, {
      token: admin,
      body: { reason: 'Third-party package under review; published for the runtime tests' },
    });
    expect(waived.status, waived.text).toBe(200);
    published = await api('POST', `/courses/${courseId}/publish`, { token: admin });
  }
  expect(published.status, published.text).toBe(200);
  return courseId;
}

export async function enroll(admin: string, courseId: string, userIds: string[]): Promise<void> {
  const enrolled = await api('POST', `/courses/${courseId}/enrollments`, { token: admin, body: { userIds } });
  expect(enrolled.status, enrolled.text).toBe(200);
}

/** The runtime API as the player calls it: the launch token, never a sign-in. */
export function runtime(attemptId: string, launchToken: string) {
  const headers = { authorization: `Bearer ${launchToken}` };
  return {
    state: () => api('GET', `/attempts/${attemptId}/cmi`, { headers }),
    commit: (seq: number, values: Record<string, string>, terminate = false) =>
      api('PUT', `/attempts/${attemptId}/cmi`, { headers, body: { seq, values, terminate } }),
    event: (body: Record<string, unknown>) => api('POST', `/attempts/${attemptId}/events`, { headers, body }),
  };
}
