import { Alert, Anchor, Breadcrumbs, Center, Group, Loader, Stack, Stepper, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { PageHeader } from '../../components/ListPage';
import { Person } from '../../components/people';
import { formatDateTime } from '../../lib/format';
import { ImportStatusBadge } from './ImportBadges';
import {
  entityLabel,
  type ImportOut,
  type ImportStatus,
  isActive,
  isEditable,
  isEntity,
  useImport,
  useStoreImport,
} from './importsApi';
import { MappingStep } from './MappingStep';
import { PreviewStep } from './PreviewStep';
import { ResultStep } from './ResultStep';
import { RunStep } from './RunStep';
import { UploadStep } from './UploadStep';

const UPLOAD = 0;
const MAPPING = 1;
const PREVIEW = 2;
const RUN = 3;
const RESULT = 4;

/** The step an import's status belongs to (an editable one: mapping right after the upload, else preview). */
const stepOf = (status: ImportStatus, justUploaded: boolean) =>
  isEditable(status)
    ? justUploaded || status === 'staged'
      ? MAPPING
      : PREVIEW
    : isActive(status)
      ? RUN
      : RESULT;

function Steps({
  active,
  onStep,
  children,
}: {
  active: number;
  onStep?: (s: number) => void;
  children?: React.ReactNode;
}) {
  return (
    <Stepper
      active={active}
      onStepClick={onStep}
      allowNextStepsSelect={false}
      size="sm"
      data-testid="import-stepper"
    >
      <Stepper.Step label="Upload" description="Choose a file" />
      <Stepper.Step label="Mapping" description="Columns and settings" />
      <Stepper.Step label="Preview" description="Row by row" />
      <Stepper.Step label="Run" description="Import the rows" />
      <Stepper.Step label="Result" description="Errors and rollback" />
      {children}
    </Stepper>
  );
}

/** `/imports/new`: the upload step; the upload leads to `/imports/:id`, the later steps. */
function NewImport() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const store = useStoreImport();
  const entity = params.get('entity');
  return (
    <Stack gap="lg">
      <Steps active={UPLOAD} />
      <UploadStep
        initialEntity={isEntity(entity) ? entity : 'leads'}
        onUploaded={(imp) => {
          store(imp);
          navigate(`/imports/${imp.id}`, { state: { uploaded: true } });
        }}
      />
    </Stack>
  );
}

/** `/imports/:id`: an import's mapping, preview, run or result, whichever its status is at. */
function ExistingImport({ imp }: { imp: ImportOut }) {
  const location = useLocation();
  const qc = useQueryClient();
  const store = useStoreImport();
  const justUploaded = !!(location.state as { uploaded?: boolean } | null)?.uploaded;
  const [step, setStep] = useState(() => stepOf(imp.status, justUploaded));
  const lastStatus = useRef(imp.status);
  // The status moves the wizard on (queued → run, completed → result) and refreshes the entity's lists.
  useEffect(() => {
    if (lastStatus.current === imp.status) return;
    lastStatus.current = imp.status;
    if (!isEditable(imp.status)) setStep(stepOf(imp.status, false));
    if (!isEditable(imp.status) && !isActive(imp.status)) {
      void qc.invalidateQueries({ queryKey: [imp.entity] });
      void qc.invalidateQueries({ queryKey: ['imports', 'list'] });
    }
  }, [imp.status, imp.entity, qc]);
  const editable = isEditable(imp.status);
  return (
    <Stack gap="lg">
      <Steps
        active={step}
        onStep={editable ? (s) => s >= MAPPING && s <= PREVIEW && setStep(s) : undefined}
      />
      {step === MAPPING && editable && (
        <MappingStep
          imp={imp}
          onPreviewed={(next) => {
            store(next);
            setStep(PREVIEW);
          }}
        />
      )}
      {step === PREVIEW && editable && (
        <PreviewStep imp={imp} onBack={() => setStep(MAPPING)} onStarted={store} />
      )}
      {step === RUN && <RunStep imp={imp} onChange={store} />}
      {step === RESULT && !isActive(imp.status) && !editable && <ResultStep imp={imp} onChange={store} />}
    </Stack>
  );
}

export function ImportWizardPage() {
  const { id } = useParams();
  const q = useImport(id);
  const imp = q.data;
  return (
    <Stack gap="lg">
      <Breadcrumbs>
        <Anchor component={Link} to="/imports" size="sm">
          Imports
        </Anchor>
        <Text size="sm">{imp ? (imp.fileName ?? 'Import') : 'New import'}</Text>
      </Breadcrumbs>
      <PageHeader
        title={imp ? `Import of ${entityLabel(imp.entity).toLowerCase()}` : 'New import'}
        description={
          imp
            ? undefined
            : 'Leads, contacts, accounts, deals or activities from a CSV or Excel file: nothing is written before you see the preview.'
        }
      />
      {imp && (
        <Group gap="xs" mt={-8}>
          <ImportStatusBadge status={imp.status} />
          <Text size="sm" c="dimmed">
            {imp.fileName ?? imp.origin} · {imp.totalRows.toLocaleString()} rows ·{' '}
            {formatDateTime(imp.createdAt)}
            {imp.createdBy ? ' by' : ''}
          </Text>
          {imp.createdBy && <Person id={imp.createdBy} size="xs" />}
        </Group>
      )}
      {!id ? (
        <NewImport />
      ) : q.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : q.error || !imp ? (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title="Could not load the import">
          {(q.error as Error | null)?.message ?? 'Not found'}
        </Alert>
      ) : (
        <ExistingImport key={imp.id} imp={imp} />
      )}
    </Stack>
  );
}
