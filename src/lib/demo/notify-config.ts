/**
 * The demo plant's `notify` section: no channels (a demo reaches no one; `plantops demo --notify-url URL` adds one for
 * the run), but item names for the top variances from the ERP item master, as a real plant would configure them.
 */
export function demoNotifyConfig(): Record<string, unknown> {
  return {
    itemNames: {source: 'erp', table: 'items', columns: {item: 'item_code', name: 'name'}},
  }
}
