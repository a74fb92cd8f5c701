/**
 * The item master vocabulary of the demo plant: a mid-sized Chinese discrete manufacturer (gear reducers, motors,
 * pumps, switchgear) with bilingual item names. Pure data; the generator picks from it with the seeded PRNG.
 */

export type Category = '原材料' | '半成品' | '成品' | '备件'
export type ErpUom = 'KG' | 'PCS' | '箱' | 'M' | 'L'

export const CATEGORY_EN: Record<Category, string> = {原材料: 'RAW', 半成品: 'WIP', 成品: 'FG', 备件: 'SPARE'}

/** Item code prefix per category: ERP `RM-10023` <-> WMS `S10023`. */
export const CATEGORY_PREFIX: Record<Category, string> = {原材料: 'RM', 半成品: 'SF', 成品: 'FG', 备件: 'SP'}

/** Share of the item master per category. */
export const CATEGORY_WEIGHTS: ReadonlyArray<readonly [Category, number]> = [
  ['原材料', 40],
  ['半成品', 25],
  ['成品', 20],
  ['备件', 15],
]

export interface Warehouse {
  erp: string
  wms: string
  name: string
  nameEn: string
}

/** ERP warehouse code <-> WMS warehouse code. */
export const WAREHOUSES: readonly Warehouse[] = [
  {erp: 'WH01', wms: 'RM', name: '原材料仓', nameEn: 'Raw material warehouse'},
  {erp: 'WH02', wms: 'SF', name: '半成品仓', nameEn: 'Semi-finished goods warehouse'},
  {erp: 'WH03', wms: 'FG', name: '成品仓', nameEn: 'Finished goods warehouse'},
  {erp: 'WH04', wms: 'SP', name: '备件仓', nameEn: 'Spare parts warehouse'},
]

/** Primary warehouse (index into WAREHOUSES) and an optional secondary one with its probability. */
export const CATEGORY_WAREHOUSES: Record<Category, {primary: number; secondary?: number; pSecondary: number}> = {
  原材料: {primary: 0, secondary: 1, pSecondary: 0.3}, // line-side stock in the semi-finished warehouse
  半成品: {primary: 1, secondary: 2, pSecondary: 0.08},
  成品: {primary: 2, secondary: 1, pSecondary: 0.1}, // returned goods awaiting rework
  备件: {primary: 3, secondary: 0, pSecondary: 0.1},
}

export interface ItemTemplate {
  category: Category
  zh: string
  en: string
  uom: ErpUom
  /** Spec strings, shared by both languages. */
  specs: readonly string[]
  /** Unit cost range in yuan (whole fen are generated inside it). */
  cost: readonly [number, number]
  /** Annual usage range in the ERP unit. */
  usage: readonly [number, number]
  lot: boolean
  /** Pieces per 箱: for 箱 items the WMS counts pieces; for PCS items 箱 is an order/packing unit. */
  packs?: readonly number[]
  /** ERP decimals this item is stocked with (KG/M/L). */
  decimals?: readonly number[]
}

const thick = ['0.5mm', '0.8mm', '1.0mm', '1.2mm', '1.5mm', '2.0mm', '2.5mm', '3.0mm', '4.0mm', '6.0mm']
const dia = ['Φ8', 'Φ10', 'Φ12', 'Φ16', 'Φ20', 'Φ25', 'Φ30', 'Φ40', 'Φ50', 'Φ60', 'Φ80']
const bolts = ['M6×20', 'M6×30', 'M8×25', 'M8×30', 'M8×40', 'M10×30', 'M10×50', 'M12×40', 'M12×60', 'M16×50', 'M16×80', 'M20×100']
const models = (p: string, n: number, step = 10, start = 100) => Array.from({length: n}, (_, i) => `${p}-${start + i * step}`)

/** Boxed units whose 1/pack is an exact 6-decimal factor (item_uoms.factor for PCS stays exact). */
const EXACT_PACKS_SMALL = [8, 10, 16, 20, 25, 40, 50]
const EXACT_PACKS_BULK = [100, 200, 250, 500, 1000]

export const TEMPLATES: readonly ItemTemplate[] = [
  // 原材料 RAW
  {category: '原材料', zh: '冷轧钢板 SPCC', en: 'Cold-rolled steel sheet SPCC', uom: 'KG', specs: thick, cost: [4.5, 7.5], usage: [5000, 400000], lot: true, decimals: [0, 1, 3]},
  {category: '原材料', zh: '热镀锌板 DX51D', en: 'Hot-dip galvanised sheet DX51D', uom: 'KG', specs: thick, cost: [5, 8.5], usage: [3000, 300000], lot: true, decimals: [0, 1, 3]},
  {category: '原材料', zh: '不锈钢棒 SUS304', en: 'Stainless steel bar SUS304', uom: 'KG', specs: dia, cost: [14, 26], usage: [500, 60000], lot: true, decimals: [0, 1, 3]},
  {category: '原材料', zh: '铝棒 6061-T6', en: 'Aluminium bar 6061-T6', uom: 'KG', specs: dia, cost: [19, 28], usage: [500, 80000], lot: true, decimals: [0, 1, 3]},
  {category: '原材料', zh: '黄铜棒 H62', en: 'Brass rod H62', uom: 'KG', specs: dia, cost: [45, 62], usage: [200, 20000], lot: true, decimals: [1, 3]},
  {category: '原材料', zh: '漆包铜线 QZ-2', en: 'Enamelled copper wire QZ-2', uom: 'KG', specs: ['0.35mm', '0.5mm', '0.63mm', '0.8mm', '1.0mm', '1.25mm'], cost: [68, 85], usage: [1000, 90000], lot: true, decimals: [1, 3]},
  {category: '原材料', zh: 'PP塑料粒子', en: 'PP resin pellets', uom: 'KG', specs: ['K8003', 'T30S', 'K1008', 'PPH-Y40'], cost: [8, 12], usage: [2000, 150000], lot: true, decimals: [0, 1]},
  {category: '原材料', zh: 'ABS塑料粒子', en: 'ABS resin pellets', uom: 'KG', specs: ['PA-757', 'PA-747S', '0215A', 'HI-121'], cost: [11, 17], usage: [2000, 100000], lot: true, decimals: [0, 1]},
  {category: '原材料', zh: '铝型材 6063-T5', en: 'Aluminium extrusion 6063-T5', uom: 'M', specs: ['20×20', '30×30', '40×40', '40×80', '60×60', '80×80'], cost: [9, 60], usage: [1000, 50000], lot: true, decimals: [0, 2, 3]},
  {category: '原材料', zh: '电缆 RVV', en: 'Flexible cable RVV', uom: 'M', specs: ['2×0.75mm²', '3×1.0mm²', '3×1.5mm²', '4×2.5mm²', '5×4mm²', '4×6mm²'], cost: [1.8, 28], usage: [2000, 200000], lot: true, decimals: [0, 1, 3]},
  {category: '原材料', zh: '液压油 L-HM', en: 'Hydraulic oil L-HM', uom: 'L', specs: ['32#', '46#', '68#'], cost: [11, 18], usage: [500, 20000], lot: true, decimals: [0, 1, 2]},
  {category: '原材料', zh: '环氧底漆', en: 'Epoxy primer', uom: 'L', specs: ['铁红 red oxide', '灰 grey', 'RAL7035', 'RAL5015'], cost: [28, 55], usage: [200, 8000], lot: true, decimals: [0, 1, 2]},
  {category: '原材料', zh: '六角螺栓 8.8级', en: 'Hex bolt grade 8.8', uom: '箱', specs: bolts, cost: [25, 260], usage: [20, 3000], lot: false, packs: EXACT_PACKS_BULK},
  {category: '原材料', zh: '六角螺母 8级', en: 'Hex nut grade 8', uom: '箱', specs: ['M6', 'M8', 'M10', 'M12', 'M16', 'M20'], cost: [18, 150], usage: [20, 3000], lot: false, packs: EXACT_PACKS_BULK},
  {category: '原材料', zh: '平垫圈', en: 'Flat washer', uom: '箱', specs: ['M6', 'M8', 'M10', 'M12', 'M16', 'M20'], cost: [10, 90], usage: [10, 2000], lot: false, packs: [500, 1000]},
  {category: '原材料', zh: 'O型圈 NBR', en: 'O-ring NBR', uom: '箱', specs: ['10×1.9', '20×2.4', '30×3.1', '45×3.5', '60×5.3'], cost: [15, 120], usage: [10, 1500], lot: true, packs: [50, 100, 200]},
  {category: '原材料', zh: '深沟球轴承', en: 'Deep groove ball bearing', uom: 'PCS', specs: ['6201-2RS', '6202-ZZ', '6204-2RS', '6205-ZZ', '6206-2RS', '6208-ZZ', '6305-2RS', '6310-ZZ'], cost: [4, 95], usage: [500, 60000], lot: true, packs: [10, 20, 50]},
  {category: '原材料', zh: '包装纸箱 五层', en: 'Corrugated carton 5-ply', uom: 'PCS', specs: ['400×300×300', '600×400×400', '800×600×500', '1000×800×600'], cost: [3, 18], usage: [2000, 80000], lot: false},
  {category: '原材料', zh: '电解电容', en: 'Electrolytic capacitor', uom: '箱', specs: ['25V 100μF', '50V 470μF', '400V 47μF', '450V 220μF'], cost: [30, 400], usage: [10, 800], lot: true, packs: [200, 500, 1000]},
  // 半成品 WIP
  {category: '半成品', zh: '机加工壳体', en: 'Machined housing', uom: 'PCS', specs: models('HS', 40), cost: [60, 900], usage: [200, 20000], lot: true},
  {category: '半成品', zh: '焊接机架', en: 'Welded frame', uom: 'PCS', specs: models('WF', 30), cost: [150, 2500], usage: [50, 5000], lot: true},
  {category: '半成品', zh: '冲压支架', en: 'Stamped bracket', uom: 'PCS', specs: models('SB', 60, 5), cost: [3, 40], usage: [2000, 120000], lot: true, packs: [10, 20, 50]},
  {category: '半成品', zh: '电机定子组件', en: 'Motor stator assembly', uom: 'PCS', specs: models('ST', 25), cost: [120, 1400], usage: [200, 15000], lot: true},
  {category: '半成品', zh: '电机转子', en: 'Motor rotor', uom: 'PCS', specs: models('RT', 25), cost: [90, 1100], usage: [200, 15000], lot: true},
  {category: '半成品', zh: '线束总成', en: 'Wire harness assembly', uom: 'PCS', specs: models('WH', 50, 3), cost: [15, 320], usage: [500, 40000], lot: true, packs: [10, 20]},
  {category: '半成品', zh: 'PCB组件', en: 'PCB assembly', uom: 'PCS', specs: models('PCBA', 40, 1, 1000), cost: [40, 850], usage: [300, 30000], lot: true, packs: [10, 20, 50]},
  {category: '半成品', zh: '齿轮轴', en: 'Gear shaft', uom: 'PCS', specs: models('GS', 40, 5), cost: [35, 600], usage: [300, 25000], lot: true},
  {category: '半成品', zh: '铝型材切割件', en: 'Cut aluminium profile', uom: 'M', specs: ['40×40', '40×80', '60×60'], cost: [12, 70], usage: [500, 20000], lot: true, decimals: [2, 3]},
  // 成品 FG
  {category: '成品', zh: '斜齿轮减速机', en: 'Helical gear reducer', uom: 'PCS', specs: ['R37', 'R47', 'R57', 'R67', 'R77', 'R87', 'R97', 'K37', 'K57', 'K77', 'F47', 'F67'], cost: [900, 16000], usage: [50, 3000], lot: true},
  {category: '成品', zh: '三相异步电机', en: 'Three-phase induction motor', uom: 'PCS', specs: ['YE3-80M-4 0.75kW', 'YE3-90L-4 1.5kW', 'YE3-100L-4 3kW', 'YE3-132S-4 5.5kW', 'YE3-160M-4 11kW', 'YE3-200L-4 30kW'], cost: [650, 18000], usage: [50, 5000], lot: true},
  {category: '成品', zh: '离心水泵', en: 'Centrifugal pump', uom: 'PCS', specs: ['ISW50-160', 'ISW65-200', 'ISW80-160', 'ISW100-250', 'ISG40-125'], cost: [1200, 22000], usage: [20, 1500], lot: true},
  {category: '成品', zh: '低压开关柜', en: 'LV switchgear cabinet', uom: 'PCS', specs: ['GGD-1', 'GGD-2', 'GCS-1', 'MNS-2'], cost: [8000, 60000], usage: [5, 400], lot: true},
  {category: '成品', zh: '变频器', en: 'Frequency inverter', uom: 'PCS', specs: ['VF-0.75kW', 'VF-2.2kW', 'VF-5.5kW', 'VF-11kW', 'VF-22kW', 'VF-45kW'], cost: [480, 9000], usage: [50, 4000], lot: true, packs: [6, 12]},
  {category: '成品', zh: '液压油缸', en: 'Hydraulic cylinder', uom: 'PCS', specs: ['HOB40×100', 'HOB50×150', 'HOB63×200', 'HOB80×300'], cost: [600, 5200], usage: [30, 2500], lot: true},
  {category: '成品', zh: '弹性联轴器', en: 'Flexible coupling', uom: 'PCS', specs: ['LT4', 'LT5', 'LT6', 'LT7', 'LT8'], cost: [45, 600], usage: [200, 12000], lot: true, packs: [12, 24, 48]},
  {category: '成品', zh: '液压滤芯', en: 'Hydraulic filter element', uom: '箱', specs: ['HX-25×10', 'HX-63×20', 'HX-160×10', 'HX-250×20'], cost: [160, 900], usage: [50, 4000], lot: true, packs: EXACT_PACKS_SMALL},
  // 备件 SPARE
  {category: '备件', zh: '骨架油封 TC', en: 'Oil seal TC', uom: '箱', specs: ['25×40×7', '30×52×7', '40×62×8', '55×80×10'], cost: [30, 260], usage: [5, 400], lot: false, packs: [20, 25, 50]},
  {category: '备件', zh: '三角带', en: 'V-belt', uom: 'PCS', specs: ['A-1200', 'B-1600', 'B-2000', 'C-2500'], cost: [12, 90], usage: [20, 1500], lot: false},
  {category: '备件', zh: '硬质合金刀片', en: 'Carbide insert', uom: '箱', specs: ['CNMG120408', 'WNMG080408', 'TNMG160404', 'DCMT11T304'], cost: [180, 900], usage: [10, 800], lot: false, packs: [10]},
  {category: '备件', zh: '交流接触器', en: 'AC contactor', uom: 'PCS', specs: ['CJX2-0910', 'CJX2-1810', 'CJX2-3210', 'CJX2-6511'], cost: [35, 420], usage: [10, 600], lot: false},
  {category: '备件', zh: '接近开关', en: 'Proximity switch', uom: 'PCS', specs: ['M12 NPN', 'M18 PNP', 'M30 NPN'], cost: [25, 160], usage: [10, 800], lot: false, packs: [10]},
  {category: '备件', zh: '熔断器', en: 'Fuse', uom: '箱', specs: ['RT18-32 6A', 'RT18-32 10A', 'RT14-63 32A'], cost: [20, 120], usage: [5, 300], lot: false, packs: [10, 20, 50]},
  {category: '备件', zh: '锂基润滑脂', en: 'Lithium grease', uom: 'KG', specs: ['0#', '1#', '2#', '3#'], cost: [16, 40], usage: [50, 3000], lot: true, decimals: [0, 1, 2]},
  {category: '备件', zh: '齿轮油 L-CKD', en: 'Gear oil L-CKD', uom: 'L', specs: ['150#', '220#', '320#'], cost: [14, 30], usage: [100, 6000], lot: true, decimals: [0, 1, 2]},
  {category: '备件', zh: '同步带', en: 'Timing belt', uom: 'M', specs: ['HTD5M-15', 'HTD8M-20', 'T10-25'], cost: [30, 180], usage: [20, 1500], lot: false, decimals: [1, 2]},
]

export function templatesFor(category: Category): ItemTemplate[] {
  return TEMPLATES.filter((t) => t.category === category)
}

/** WMS unit and factor (WMS qty = ERP qty x factor) for an item, chosen per item. */
export const WMS_UNIT_CHOICES: Record<ErpUom, ReadonlyArray<readonly [string, number]>> = {
  KG: [['G', 0.6], ['KG', 0.4]],
  M: [['MM', 0.5], ['M', 0.5]],
  箱: [['PCS', 0.8], ['箱', 0.2]],
  PCS: [['PCS', 1]],
  L: [['L', 1]],
}

/** Smallest quantity a WMS bin is recorded in, in ticks (G and MM are whole units, KG 3 decimals...). */
export const WMS_GRANULARITY: Record<string, number> = {G: 10_000, MM: 10_000, PCS: 10_000, 箱: 10_000, KG: 10, M: 10, L: 100}

const CITIES = ['苏州', '无锡', '宁波', '东莞', '佛山', '青岛', '天津', '重庆', '成都', '武汉', '常州', '温州', '合肥', '长沙', '西安', '沈阳', '昆山', '台州', '嘉兴', '潍坊']
const WORDS = ['恒信', '华源', '宏达', '新航', '博远', '瑞丰', '金鼎', '盛达', '汇通', '东升', '利民', '嘉禾', '永安', '天成', '鑫源', '中拓', '远景', '启明']
const TRADES = ['机械', '电气', '自动化设备', '汽车零部件', '精密制造', '液压设备', '环保科技', '水务工程', '矿山机械', '食品机械']
const EN_CUSTOMERS = [
  'Northwind Machinery Ltd',
  'Bavaria Industrial Supply GmbH',
  'Pacific Pump Systems Inc.',
  'Saigon Motor Works Co., Ltd',
  'Jakarta Engineering PT',
  'Monterrey Drives S.A. de C.V.',
  'Pune Power Transmission Pvt Ltd',
  'Izmir Hidrolik A.S.',
]
export const CUSTOMER_PARTS = {CITIES, WORDS, TRADES, EN_CUSTOMERS}
