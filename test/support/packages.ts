/** Small generated package parts for tests: a SCORM 1.2 manifest, an accessible page and an inaccessible one. */
export const SCORM12_MANIFEST = (
  launch = 'index.html',
  extraFiles: string[] = [],
) => `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.generated" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Generated course</title>
      <item identifier="ITEM-1" identifierref="RES-1"><title>Lesson 1</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-1" type="webcontent" adlcp:scormtype="sco" href="${launch}">
      <file href="${launch}"/>${extraFiles.map((file) => `\n      <file href="${file}"/>`).join('')}
    </resource>
  </resources>
</manifest>`;

export const ACCESSIBLE_PAGE = `<!doctype html><html lang="en"><head><title>Lesson 1</title></head>
<body><main><h1>Lesson 1</h1><p>Welcome.</p><img src="a.png" alt="A diagram"></main></body></html>`;

export const INACCESSIBLE_PAGE = `<!doctype html><html><head><title>Quiz</title></head>
<body><img src="b.png"><form><input type="text"></form><a href="#"></a></body></html>`;
