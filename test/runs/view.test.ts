import {afterEach, describe, expect, it} from 'vitest'

import {setLanguage} from '../../src/lib/i18n/index.js'
import {outcomeText} from '../../src/lib/runs/view.js'

const outcome = {warnings: 1, keys: {total: 12, match: 10, only_in_erp: 2}, causes: {}, recordAccuracyPct: '83.3333', stale: [], jobOwnFigure: 7}

describe('outcomeText', () => {
  afterEach(() => setLanguage({lang: 'en', source: 'default', detail: ''}))

  it('labels each figure, writes groups of counts as code n pairs, keeps a figure it has no label for as its key', () => {
    setLanguage({lang: 'en', source: 'flag', detail: '--lang en'})
    expect(outcomeText(outcome).split('\n')).toEqual([
      'Warnings: 1',
      'Keys: total 12, match 10, only_in_erp 2',
      'Probable causes: -',
      'Record accuracy %: 83.3333',
      'Stale replicas: -',
      'jobOwnFigure: 7',
    ])
  })

  it('speaks Chinese under zh-CN (status codes stay codes)', () => {
    setLanguage({lang: 'zh-CN', source: 'flag', detail: '--lang zh-CN'})
    expect(outcomeText(outcome).split('\n').slice(0, 2)).toEqual(['警告：1', '键：total 12，match 10，only_in_erp 2'])
  })
})
