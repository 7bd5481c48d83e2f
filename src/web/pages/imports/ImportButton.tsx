import { Button } from '@mantine/core';
import { IconFileImport } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { usePermissions } from '../../auth/session';
import type { ImportEntity } from './importsApi';

/** "Import" on a list page: the import wizard for that entity (for those who may write). */
export function ImportButton({ entity }: { entity: ImportEntity }) {
  const { canWrite } = usePermissions();
  if (!canWrite) return null;
  return (
    <Button
      component={Link}
      to={`/imports/new?entity=${entity}`}
      variant="default"
      leftSection={<IconFileImport size={16} />}
    >
      Import
    </Button>
  );
}
