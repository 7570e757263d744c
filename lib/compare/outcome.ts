/** What a fault did to the service, as the comparison table reports it. */
export type Outcome = 'survived' | 'lost output' | 'wrong reply' | 'down' | 'not applicable';

/**
 * The measured outcome of a run: a wrong reply accepted beats everything (the worst for a client),
 * then nothing serving at the end, then output or acknowledged writes lost or requests never
 * answered; otherwise the service survived.
 */
export function runOutcome(row: Readonly<Record<string, unknown>>): Exclude<Outcome, 'not applicable'> {
  const num = (k: string): number => (typeof row[k] === 'number' ? (row[k] as number) : 0);
  if (num('wrongReplies') > 0 || row['inv.noWrongReply'] === false || row['inv.repliesConsistent'] === false) return 'wrong reply';
  if (row.serviceLost === true) return 'down';
  if (num('lostOutputs') > 0 || num('unansweredRequests') > 0 || row['inv.noLostAckedWrite'] === false || row['inv.noLostOutput'] === false) return 'lost output';
  return 'survived';
}
