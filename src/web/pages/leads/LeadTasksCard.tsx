import { RelatedTasksCard } from '../tasks/RelatedTasksCard';

/** The lead's open tasks (soonest due first): add one, complete one with its checkbox. */
export function LeadTasksCard({ leadId }: { leadId: string }) {
  return <RelatedTasksCard target={{ leadId }} />;
}
