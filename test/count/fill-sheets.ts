/**
 * Fill count sheets the way a warehouse would: open the workbook written by `count sample`, type counts (numbers or
 * text with units), optionally shuffle rows and insert blank rows (a hand-edited sheet), add found lines, save.
 */
export interface SheetRowInfo {
  sheet: string
  line: number
  location: string
  item: string
  lot: string | null
  unit: string
}

export interface FillOptions {
  count: (row: SheetRowInfo) => {counted: string | number | null; counter?: string} | null
  /** Reverse the data rows and put a blank row after every third one. */
  handEdit?: boolean
  found?: Array<{sheet?: string; location: string; item: string; lot?: string; counted: string | number}>
}

export async function fillSheets(src: string, dst: string, opts: FillOptions): Promise<SheetRowInfo[]> {
  const {default: ExcelJS} = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(src)
  const out = new ExcelJS.Workbook()
  const seen: SheetRowInfo[] = []
  wb.eachSheet((ws) => {
    const copy = out.addWorksheet(ws.name, {headerFooter: ws.headerFooter, pageSetup: ws.pageSetup})
    copy.addRow((ws.getRow(1).values as unknown[]).slice(1))
    const rows: unknown[][] = []
    ws.eachRow((row, r) => {
      if (r === 1) return
      const v = (row.values as unknown[]).slice(1)
      if (v[0] === null || v[0] === undefined || v[0] === '') return
      const info: SheetRowInfo = {sheet: ws.name, line: Number(v[0]), location: String(v[1]), item: String(v[2]), lot: v[4] ? String(v[4]) : null, unit: String(v[5] ?? '')}
      seen.push(info)
      const filled = opts.count(info)
      const values = [...v]
      while (values.length < 9) values.push(null)
      if (filled) {
        values[6] = filled.counted
        values[7] = filled.counter ?? 'Ana'
      }
      rows.push(values)
    })
    const ordered = opts.handEdit ? rows.reverse() : rows
    ordered.forEach((r, i) => {
      copy.addRow(r)
      if (opts.handEdit && i % 3 === 2) copy.addRow([])
    })
    for (const f of opts.found ?? []) if ((f.sheet ?? ws.name) === ws.name) copy.addRow([null, f.location, f.item, null, f.lot ?? null, null, f.counted, 'Ana', 'found'])
  })
  await out.xlsx.writeFile(dst)
  return seen
}
