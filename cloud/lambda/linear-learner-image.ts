// The built-in Linear Learner container, per region: the same image trains and serves. AWS publishes
// it from one ECR registry account per region (aws/sagemaker-python-sdk image_uri_config/linear-learner.json,
// repository "linear-learner", tag 1). A region missing here, or a newer image, is set with the stack's
// `linearLearnerImage` context instead (the Prepare step's TRAINING_IMAGE).

const LINEAR_LEARNER_REGISTRIES: Readonly<Record<string, string>> = Object.freeze({
  'us-east-1': '382416733822',
  'us-east-2': '404615174143',
  'us-west-1': '632365934929',
  'us-west-2': '174872318107',
  'ca-central-1': '469771592824',
  'sa-east-1': '855470959533',
  'eu-west-1': '438346466558',
  'eu-west-2': '644912444149',
  'eu-west-3': '749696950732',
  'eu-central-1': '664544806723',
  'eu-north-1': '669576153137',
  'eu-south-1': '257386234256',
  'ap-northeast-1': '351501993468',
  'ap-northeast-2': '835164637446',
  'ap-northeast-3': '364406365360',
  'ap-south-1': '991648021394',
  'ap-southeast-1': '475088953585',
  'ap-southeast-2': '712309505854',
  'ap-east-1': '286214385809',
  'me-south-1': '249704162688',
  'af-south-1': '455444449433',
});

const LINEAR_LEARNER_REPOSITORY = 'linear-learner:1';

/** The image URI for a known region, e.g. 664544806723.dkr.ecr.eu-central-1.amazonaws.com/linear-learner:1. */
export function linearLearnerImage(region: string): string {
  const account = LINEAR_LEARNER_REGISTRIES[region];
  if (!account) {
    throw new Error(`no Linear Learner image known for region "${region}": give one with -c linearLearnerImage=<uri>`);
  }
  return `${account}.dkr.ecr.${region}.amazonaws.com/${LINEAR_LEARNER_REPOSITORY}`;
}
