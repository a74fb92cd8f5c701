import type {DemoPlant} from './types.js'

/**
 * The `systems:` section of the demo plant's plantops.yaml: the three systems plantops reads (ERP, WMS, MES, each
 * with its source and a freshness column), the systems it cannot read (PLM, CRM, OA, SCADA, the planners'
 * spreadsheet), the customers as an external party, and the flows between them, manual re-keying included, as a
 * mid-sized Chinese plant runs them.
 */
export function demoSystemsConfig(_plant: DemoPlant): Record<string, unknown> {
  return {
    systems: {
      customer: {name: '客户 (Customers)', role: 'external', description: 'Customers send orders by e-mail as Excel sheets.'},
      erp: {
        name: '金蝶云星空 ERP',
        role: 'erp',
        vendor: 'Kingdee',
        product: 'K/3 Cloud',
        owner: '张伟 (IT)',
        source: 'erp',
        masters: ['items', 'customers', 'sales-orders', 'stock', 'BOM'],
        updatedAt: {table: 'stock_balance', column: 'updated_at', maxAgeHours: 72},
      },
      wms: {
        name: 'WMS 仓储管理',
        role: 'wms',
        vendor: 'Flux',
        product: 'WMS 6',
        owner: '李娜 (Logistics)',
        source: 'wms',
        masters: ['bin-locations', 'bin-stock', 'shipments'],
        updatedAt: {table: 'bin_stock', column: 'updated_at', maxAgeHours: 72},
      },
      mes: {
        name: 'MES 制造执行',
        role: 'mes',
        vendor: 'in-house',
        product: 'MES 2.3',
        owner: '王强 (Production IT)',
        source: 'mes',
        masters: ['work-orders', 'material-issues'],
        updatedAt: {table: 'work_orders', column: 'updated_at', maxAgeHours: 72},
      },
      plm: {name: 'PLM 产品数据', role: 'plm', vendor: 'Siemens', product: 'Teamcenter', owner: '陈静 (R&D)', masters: ['BOM', 'drawings', 'items']},
      crm: {name: 'CRM', role: 'crm', vendor: 'Salesforce', product: 'Sales Cloud', masters: ['customers', 'quotes']},
      oa: {name: '泛微 OA', role: 'oa', vendor: 'Weaver', product: 'e-cology', owner: '行政部', masters: ['approvals']},
      scada: {name: 'SCADA 产线监控', role: 'scada', vendor: 'Siemens', product: 'WinCC', owner: '设备部', masters: ['machine-states']},
      planning: {name: '计划排产表 (Excel)', role: 'spreadsheet', owner: '生产计划部', masters: ['production-plan']},
    },
    flows: [
      {from: 'customer', to: 'erp', entity: 'sales-orders', mode: 'manual', frequency: 'daily', mapping: 'orders', people: 3, rekeyingsPerDay: 120, minutesEach: 4, description: 'Orders arrive as Excel attachments and are re-keyed into ERP sales orders.'},
      {from: 'crm', to: 'erp', entity: 'customers', mode: 'manual', frequency: 'weekly', people: 1, rekeyingsPerDay: 5, minutesEach: 10},
      {from: 'plm', to: 'erp', entity: 'BOM', mode: 'file', frequency: 'on release', mapping: 'BOM export (CSV)'},
      {from: 'plm', to: 'erp', entity: 'items', mode: 'manual', frequency: 'on release', people: 1, rekeyingsPerDay: 15, minutesEach: 6},
      {from: 'erp', to: 'planning', entity: 'sales-orders', mode: 'file', frequency: 'daily', mapping: 'ERP order export (XLSX)'},
      {from: 'planning', to: 'mes', entity: 'work-orders', mode: 'manual', frequency: 'daily', people: 2, rekeyingsPerDay: 60, minutesEach: 3, description: 'Planners re-enter ERP work orders into MES.'},
      {from: 'erp', to: 'mes', entity: 'items', mode: 'db-sync', frequency: 'nightly', mapping: 'item master sync'},
      {from: 'mes', to: 'erp', entity: 'work-orders', mode: 'manual', frequency: 'per shift', people: 1, rekeyingsPerDay: 45, minutesEach: 2, description: 'Completed quantities typed back into ERP.'},
      {from: 'erp', to: 'wms', entity: 'items', mode: 'db-sync', frequency: 'every 15 min', mapping: 'sku_xref'},
      {from: 'erp', to: 'wms', entity: 'sales-orders', mode: 'db-sync', frequency: 'every 15 min', mapping: 'shipment orders'},
      {from: 'wms', to: 'erp', entity: 'stock', mode: 'db-sync', frequency: 'hourly', mapping: 'stock'},
      {from: 'wms', to: 'customer', entity: 'shipments', mode: 'manual', frequency: 'daily', people: 1, rekeyingsPerDay: 80, minutesEach: 1, description: 'Delivery notes printed and e-mailed.'},
      {from: 'mes', to: 'wms', entity: 'material-issues', mode: 'api', frequency: 'realtime'},
      {from: 'scada', to: 'mes', entity: 'machine-states', mode: 'message-queue', frequency: 'realtime', mapping: 'OPC UA → MQTT'},
      {from: 'oa', to: 'erp', entity: 'approvals', mode: 'manual', frequency: 'daily', people: 1, rekeyingsPerDay: 20, minutesEach: 2},
    ],
    journeys: [
      {name: 'order to shipment (接单到发货)', entities: ['sales-orders', 'work-orders', 'shipments']},
      {name: 'new product to first build', entities: ['BOM', 'items', 'work-orders']},
    ],
  }
}
