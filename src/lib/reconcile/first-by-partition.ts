/**
 * The first `n` items in partition order, kept while the partitions are reconciled in any order (a thread claims
 * windows of partitions; a test or a second thread another order). A partition's items come together and keep their
 * order. The lists of several threads combine (combineFirst) into the list of one thread that saw every partition.
 */
export class FirstByPartition<T> {
  readonly items: Array<{item: T; partition: number}> = []
  constructor(private readonly n: number) {}

  offer(item: T, partition: number): void {
    const {items, n} = this
    if (n <= 0 || (items.length === n && partition >= items[n - 1].partition)) return
    let at = items.length
    while (at > 0 && items[at - 1].partition > partition) at--
    items.splice(at, 0, {item, partition})
    if (items.length > n) items.pop()
  }
}

/** The first `n` of several threads' lists (each in partition order) in partition order. */
export function combineFirst<T>(lists: Array<Array<{item: T; partition: number}>>, n: number): Array<{item: T; partition: number}> {
  return lists
    .flat()
    .sort((a, b) => a.partition - b.partition)
    .slice(0, n)
}
