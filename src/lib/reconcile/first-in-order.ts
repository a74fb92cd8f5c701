/**
 * The first `n` items of an order, kept as items are offered one by one in any order (a small sorted list: an item
 * equal to one kept goes after it, so items that compare equal keep the order they came in). Used for the top
 * variances by value, the first resolved variances in report order, and the first examples in partition order.
 */
export class FirstInOrder<T> {
  readonly items: T[] = []
  constructor(
    private readonly n: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  offer(item: T): void {
    const {items, n, compare} = this
    if (n <= 0 || (items.length === n && compare(item, items[n - 1]) >= 0)) return
    let at = items.length === n ? n - 1 : items.length
    while (at > 0 && compare(item, items[at - 1]) < 0) {
      items[at] = items[at - 1]
      at--
    }
    items[at] = item
  }
}

/** An item tagged with the partition it came from. */
export interface InPartition<T> {
  item: T
  partition: number
}

/**
 * The first `n` items in partition order, whatever order the partitions are reconciled in (a thread claims windows of
 * partitions; a test or a second thread another order): a partition's items come together and keep their order.
 */
export class FirstByPartition<T> extends FirstInOrder<InPartition<T>> {
  constructor(n: number) {
    super(n, (a, b) => a.partition - b.partition)
  }

  add(item: T, partition: number): void {
    this.offer({item, partition})
  }
}

/** The first `n` of several threads' lists (each in partition order) in partition order. */
export function combineFirst<T>(lists: Array<Array<InPartition<T>>>, n: number): Array<InPartition<T>> {
  return lists
    .flat()
    .sort((a, b) => a.partition - b.partition)
    .slice(0, n)
}
