/**
 * What a report run gives people besides JSON: the CSV (formula cells neutralised, figures kept as numbers)
 * and the chart, drawn server-side as SVG with one data mark per group of rows.
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { BusinessRuleError } from '../../../shared/domain/errors.ts';
import { completionReport } from '../../../shared/reports/catalog/completion.ts';
import { CHART_MAX_ROWS, reportChartSvg } from '../../../shared/reports/chart.ts';
import { reportCsv } from '../../../shared/reports/csv.ts';

const row = (period: string, course: string, department: string, completions: number) => ({
  period,
  course_id: `id-${course}`,
  course_title: course,
  department_id: `id-${department}`,
  department_name: department,
  completions,
  average_score: null,
});

describe('reportCsv', () => {
  it('writes the titles, then each row; text that would run as a formula starts with a quote, figures stay numbers', () => {
    // Prepare
    const columns = [
      { name: 'title', title: 'Course', type: 'string' as const },
      { name: 'delta', title: 'Change', type: 'integer' as const },
      { name: 'active', title: 'Active', type: 'boolean' as const },
    ];
    const rows = [
      { title: '=HYPERLINK("http://evil.example","Click")', delta: -3, active: true },
      { title: '+1', delta: 0, active: false },
      { title: '-2', delta: 4, active: null },
      { title: '@SUM(A1)', delta: null, active: true },
      { title: '\tTabbed', delta: 1, active: true },
      { title: 'Safety, "basics"', delta: 2, active: true },
    ];

    // Act
    const csv = reportCsv(columns, rows);

    // Assess
    expect(csv).toBe(
      '\uFEFFCourse,Change,Active\r\n' +
        `"'=HYPERLINK(""http://evil.example"",""Click"")",-3,true\r\n` +
        "'+1,0,false\r\n" +
        "'-2,4,\r\n" +
        "'@SUM(A1),,true\r\n" +
        "'\tTabbed,1,true\r\n" +
        '"Safety, ""basics""",2,true\r\n',
    );
  });
});

/** The data marks of a Vega SVG: the graphics symbols inside its mark groups (axes and legends are not). */
function dataMarks(svg: string): { label: string }[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
  const document = parser.parse(svg);
  const marks: { label: string }[] = [];
  const visit = (node: unknown, inMarkGroup: boolean) => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, inMarkGroup);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (inMarkGroup && element.role === 'graphics-symbol')
      marks.push({ label: String(element['aria-label']) });
    const markGroup = String(element.class ?? '').includes('role-mark');
    for (const [key, value] of Object.entries(element))
      if (typeof value === 'object') visit(value, inMarkGroup || (markGroup && key !== 'class'));
  };
  expect(document.svg).toBeDefined();
  visit(document.svg, false);
  return marks;
}

describe('reportChartSvg', () => {
  it("draws the report's chart from the rows: a valid SVG with one bar per period and course", async () => {
    // Prepare: two departments' rows of the same period and course make one bar (the chart sums them)
    const rows = [
      row('2026-01-01', 'Fire safety', 'Sales', 1),
      row('2026-01-01', 'Fire safety', 'Engineering', 2),
      row('2026-01-01', 'First aid', 'Sales', 4),
      row('2026-04-01', 'Fire safety', 'Sales', 5),
    ];

    // Act
    const svg = await reportChartSvg(completionReport, rows);

    // Assess
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const marks = dataMarks(svg);
    expect(marks).toHaveLength(3);
    const sums = marks.map((mark) => Number(/Completions: (\d+)/.exec(mark.label)?.[1])).sort();
    expect(sums).toEqual([3, 4, 5]);
    expect(svg).toContain('Completion by course, department and period');
  });

  it('draws an empty chart for a run without rows, and refuses more rows than a chart can show', async () => {
    expect(dataMarks(await reportChartSvg(completionReport, []))).toHaveLength(0);
    const many = Array.from({ length: CHART_MAX_ROWS + 1 }, () => row('2026-01-01', 'A', 'B', 1));
    await expect(reportChartSvg(completionReport, many)).rejects.toThrow(BusinessRuleError);
  });
});
