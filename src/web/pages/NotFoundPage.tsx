import { Button, Center, EmptyState } from '@mantine/core';
import { IconMapOff } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  return (
    <Center py={80}>
      <EmptyState
        icon={<IconMapOff size={32} />}
        withIndicatorBackground
        title={`This ${what} does not exist`}
        description={`It may have been deleted, or it belongs to another workspace.`}
      >
        <EmptyState.Actions>
          <Button component={Link} to="/leads" variant="light">
            Back to leads
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Center>
  );
}
